// nspawn options + facts -> Plan. Pure: the edge (src/machines/, src/cgroups/) gathers the facts
// and creates the cgroup directories; this decides everything else.
import type { CleanupStep, ConsoleMode, Op, Plan } from '../plan/types.js';
import { rootPath } from '../plan/types.js';
import { capabilityName } from '../plan/capabilities.js';
import { cgroupJoinPath, cgroupOps, devicePolicyTarget, type DevicePolicyTarget } from './cgroup-layout.js';
import { containerDeviceRules, type DeviceRule } from './device-policy.js';
import { processCapabilities } from '../plan/capabilities.js';
import { containerCapabilities } from './capabilities.js';
import { planCustomMounts } from './custom-mounts.js';
import { CREDENTIALS_DIRECTORY } from './credentials.js';
import { volatileBaseOps, volatileRoot, volatileStateOps, volatileTreeView } from './volatile.js';
import { containerEnvironment } from './environment.js';
import { NspawnUsageError } from './errors.js';
import type { NspawnFacts } from './facts.js';
import { localtimeOps, resolvConfOps } from './host-files.js';
import type { NspawnOptions } from './options.js';
import { resolveUser, type ResolvedUser } from './passwd.js';
import { containerRlimits } from './rlimits.js';
import { supervisorSettings } from './supervisor.js';
import { checkHelperLimits } from './helper-limits.js';
import { devOps, NOTIFY_SOCKET_PATH, procOps, runOps, sysOps, tmpOps } from './api-mounts.js';
import { checkOsTree, defaultMachineName, resolveCommand } from './tree.js';
import type { ConsoleOption } from './options.js';
import { nspawnSeccompPolicy, type NspawnSeccompPolicy } from './seccomp.js';
import { idMap, userNamespaceOps } from './private-users.js';

export interface NspawnPlan {
  readonly plan: Plan;
  readonly machine: string;
  readonly containerUuid: string;
  readonly console: Exclude<ConsoleOption, 'autopipe'>;
  /** The system-call filter to compile (src/seccomp/) into plan.process.seccompFilters. */
  readonly seccomp?: NspawnSeccompPolicy;
  /** nspawn's DevicePolicy=closed and its allow list, and where the edge puts it before the start. */
  readonly devicePolicy: { readonly target: DevicePolicyTarget; readonly rules: readonly DeviceRule[] };
  /** Things nspawn would warn about too (printed unless -q). */
  readonly warnings: readonly string[];
}

/** The console nspawn picks: interactive with a terminal on both ends, read-only without. */
export function consoleMode(option: ConsoleOption | undefined, tty: { readonly stdinIsTty: boolean; readonly stdoutIsTty: boolean }): NspawnPlan['console'] {
  const interactive = tty.stdinIsTty && tty.stdoutIsTty;
  if (option === 'autopipe') return interactive ? 'interactive' : 'pipe';
  if (option === undefined) return interactive ? 'interactive' : 'read-only';
  return option;
}

/** nspawn's console modes as the helper's: who reads and writes the pty. */
const PLAN_CONSOLE: Readonly<Record<NspawnPlan['console'], ConsoleMode>> = {
  interactive: 'pty',
  'read-only': 'pty-read-only',
  passive: 'pty-passive',
  pipe: 'inherit',
};

export const machineName = (options: NspawnOptions, directory: string): string => options.machine ?? defaultMachineName(directory);

/** nspawn's container_uuid: the tree's machine id when it has one, formatted as a UUID. */
export function containerUuid(machineId: string | undefined, randomUuid: string): string {
  if (machineId === undefined || !/^[0-9a-f]{32}$/.test(machineId)) return randomUuid;
  const m = machineId;
  return `${m.slice(0, 8)}-${m.slice(8, 12)}-${m.slice(12, 16)}-${m.slice(16, 20)}-${m.slice(20)}`;
}

/**
 * Where the supervisor keeps the container's host-side nodes (the notify socket, the /proc/kmsg
 * FIFO): a directory per start (the random id, not container_uuid, which two containers of one
 * tree share), under /run where nspawn keeps its own state too. The helper makes it.
 */
export const containerRunDir = (facts: NspawnFacts): string => `/run/nsbox/containers/${facts.randomUuid}`;

export function planNspawn(options: NspawnOptions, facts: NspawnFacts): NspawnPlan {
  const { tree, host } = facts;
  checkOsTree(tree, options.boot);
  const defaultShell = !options.boot && options.command.length === 0;
  const command = resolveCommand(options, tree);
  const machine = machineName(options, tree.directory);
  // The tree's own machine id wins over --uuid=, as in nspawn.
  const uuid = containerUuid(tree.machineId, options.uuid ?? facts.randomUuid);
  const user: ResolvedUser | undefined = options.user === undefined ? undefined : resolveUser(options.user, tree.passwd ?? '', tree.group ?? '');
  const console = consoleMode(options.console, host);
  const caps = containerCapabilities({ ...options, hostBounding: host.boundingSet });
  const warnings: string[] = [];
  const uncovered = options.ambientCapability.filter((c) => !caps.retained.includes(c) && !caps.unavailable.includes(c));
  if (uncovered.length > 0) {
    throw new NspawnUsageError('--ambient-capability', `${uncovered.map(capabilityName).join(' ')} not in the bounding set (--capability=, --drop-capability=)`);
  }
  if (caps.unavailable.length > 0) {
    warnings.push(`Some capabilities will not be set because they are not in the current bounding set: ${caps.unavailable.map(capabilityName).join(' ')}`);
  }

  const runDir = containerRunDir(facts);
  const notifySocket = `${runDir}/notify`;
  const kmsgFifo = `${runDir}/kmsg`;
  const covered = (path: string): boolean => [...options.binds, ...options.tmpfs].some((m) => m.target === path);
  const apiInput = { memTotalBytes: host.memTotalBytes, privateNetwork: options.privateNetwork, console: console !== 'pipe', mountTmp: !covered('/tmp') };
  // --volatile=state keeps the tree read-only, as --read-only does (resolv.conf and localtime too);
  // yes and overlay make a writable root of their own, which wins over --read-only (as in nspawn).
  const volatileRootMode = options.volatile === 'yes' || options.volatile === 'overlay';
  const treeOptions = { ...options, readOnly: (options.readOnly && !volatileRootMode) || options.volatile === 'state' };
  // --volatile=yes: the root is a tmpfs with the tree's /usr; its /etc starts empty.
  const volatileYes = options.volatile === 'yes' ? volatileRoot(tree, host.memTotalBytes) : undefined;
  const hostFilesTree = volatileYes ? volatileTreeView(tree) : tree;
  const custom = planCustomMounts(options, tree.directory, facts.randomUuid.replaceAll('-', '').slice(0, 16));
  const allOps: Op[] = [
    ...(volatileYes ? volatileBaseOps(tree) : []),
    ...sysOps(),
    ...cgroupOps(facts.cgroups.host, facts.cgroups.mode, facts.cgroups.dirs),
    ...devOps(apiInput),
    ...runOps({
      memTotalBytes: host.memTotalBytes,
      containerUuid: uuid,
      notifySocketHostPath: notifySocket,
      credentials: facts.credentials ?? [],
      ...(host.osReleasePath !== undefined ? { osReleasePath: host.osReleasePath } : {}),
    }),
    ...tmpOps(apiInput),
    ...resolvConfOps(host, hostFilesTree, treeOptions),
    ...localtimeOps(host, hostFilesTree, treeOptions),
    // Before the custom mounts, which may go below /var.
    ...(options.volatile === 'state' ? volatileStateOps(host.memTotalBytes) : []),
    ...custom.beforeProc,
    // After the custom mounts, as nspawn mounts it (in its inner child): this also covers the
    // scratch tmpfs overlays may have used on the tree's /proc.
    ...procOps(options.privateNetwork, facts.bootId, kmsgFifo),
    ...custom.afterProc,
    // Last, so the ops above could still create their mount points in the tree.
    ...(treeOptions.readOnly ? [{ kind: 'remount', target: rootPath('/'), recursive: false, flags: { readOnly: true }, optional: false } as const] : []),
    { kind: 'switch-root' },
  ];
  const userns = facts.userNamespace;
  const ops = userns ? userNamespaceOps(allOps, options.privateNetwork, userns.count) : allOps;

  const cleanup: CleanupStep[] = [
    { kind: 'unlink', path: notifySocket },
    { kind: 'unlink', path: kmsgFifo },
    { kind: 'rmdir', path: runDir },
    ...(facts.registrationFile !== undefined ? [{ kind: 'unlink', path: facts.registrationFile } as const] : []),
    // A booted systemd leaves its own init.scope behind (it is still in it when it exits), and a
    // hard kill leaves whatever it had made: the whole tree goes, deepest first.
    ...facts.cgroups.dirs.map((d) => ({ kind: 'rmdir-cgroup-tree', path: d.path }) as const),
    ...custom.cleanup,
    ...(userns?.lockFile !== undefined ? [{ kind: 'unlink', path: userns.lockFile } as const] : []),
  ];
  const uid = user?.uid ?? 0;
  const plan: Plan = {
    namespaces: ['mount', 'uts', 'ipc', 'cgroup', ...(options.privateNetwork ? (['net'] as const) : []), ...(userns ? (['user'] as const) : [])],
    ...(userns ? { user: { uidMap: idMap(userns.base, userns.count), gidMap: idMap(userns.base, userns.count), setgroups: 'allow' as const } } : {}),
    pidMode: options.asPid2 ? 'reaper' : 'payload-is-pid1',
    root: tree.directory,
    ...(userns?.idmap ? { rootIdmap: true } : {}),
    // --volatile=yes wins over -x (nspawn then takes /usr from the throwaway copy: the same files).
    ...(volatileYes ? { rootLayer: volatileYes } : options.ephemeral || options.volatile === 'overlay' ? { rootLayer: { kind: 'ephemeral' } as const } : {}),
    cgroups: facts.cgroups.dirs.map(cgroupJoinPath),
    console: PLAN_CONSOLE[console],
    supervisor: {
      ...supervisorSettings({ boot: options.boot, ...(options.killSignal !== undefined ? { killSignal: options.killSignal } : {}), cleanup }),
      notify: { hostPath: notifySocket, forwardReady: options.notifyReady ? 'on-ready' : 'on-start' },
      hostFifos: [kmsgFifo],
      ...(custom.hostDirs.length > 0 ? { hostDirs: custom.hostDirs } : {}),
      ...(userns?.lockFile !== undefined ? { hostLocks: [userns.lockFile] } : {}),
    },
    ops,
    process: {
      executable: command.executable,
      argv: command.argv,
      env: containerEnvironment({
        containerUuid: uuid,
        notifySocket: NOTIFY_SOCKET_PATH,
        ...((facts.credentials ?? []).length > 0 ? { credentialsDirectory: CREDENTIALS_DIRECTORY } : {}),
        hostOsRelease: host.osRelease,
        // The caller's TERM when it has one (even with --pipe, as nspawn); vt220 for a pty without.
        ...(host.term !== undefined ? { term: host.term } : console !== 'pipe' ? { term: 'vt220' } : {}),
        home: user?.home ?? '/root',
        user: user?.name ?? 'root',
        setenv: options.setenv,
        hostEnv: host.env,
      }),
      // nspawn changes to the user's home when it can and stays in / when it cannot; its default
      // shell (no command) starts in the home of root too.
      cwd: options.chdir ?? user?.home ?? (defaultShell ? '/root' : '/'),
      ...(options.chdir === undefined && (user !== undefined || defaultShell) ? { cwdOptional: true } : {}),
      hostname: options.hostname ?? machine,
      ...(user !== undefined ? { credentials: { uid: user.uid, gid: user.gid, supplementaryGroups: user.supplementaryGroups } } : {}),
      capabilities: processCapabilities(caps.retained, uid, options.ambientCapability),
      rlimits: containerRlimits(options.rlimits, host),
      ...(options.oomScoreAdjust !== undefined ? { oomScoreAdjust: options.oomScoreAdjust } : {}),
      ...(options.personality !== undefined ? { personality: options.personality } : {}),
      ...(options.cpuAffinity !== undefined ? { cpuAffinity: options.cpuAffinity } : {}),
      ...(options.noNewPrivileges ? { noNewPrivileges: true } : {}),
      terminal: console === 'pipe' ? { kind: 'new-session' } : { kind: 'controlling-tty' },
      // As nspawn: while still privileged, so -u and a dropped CAP_SYS_ADMIN need no no_new_privs
      // (which would break su and sudo inside).
      seccompTiming: 'before-credentials',
    },
  };
  checkHelperLimits(plan, { cleanup: custom.cleanup.length, hostDirs: custom.hostDirs.length });
  const devicePolicy = {
    target: devicePolicyTarget(facts.cgroups.dirs),
    // Without /proc/devices to read, 136 is where Linux puts the pty slaves.
    rules: containerDeviceRules(facts.devices?.ptsMajors ?? [136], facts.devices?.bound ?? []),
  };
  if (devicePolicy.target.kind === 'none') warnings.push('The host has neither a devices cgroup controller nor cgroup2: the container gets no device policy.');
  return { plan, machine, containerUuid: uuid, console, devicePolicy, seccomp: nspawnSeccompPolicy(caps.retained, { allow: options.systemCallAllow, deny: options.systemCallDeny }, options.suppressSync), warnings };
}
