// Everything between the command line and the plan that touches the machine: find the tree,
// gather facts, create the container's cgroups, register it. release() undoes the last two for
// callers that outlive the container (spawn users, tests, a failure before hand-over); after a
// hand-over the supervisor's cleanup steps do it instead.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Credential } from '../nspawn/credentials.js';
import { NspawnUsageError, TreeMissingError } from '../nspawn/errors.js';
import { containerCgroupDirs, containerCgroupMode } from '../nspawn/cgroup-layout.js';
import type { NspawnOptions } from '../nspawn/options.js';
import { machineName, planNspawn, type NspawnPlan } from '../nspawn/plan.js';
import { encodePlan } from '../plan/wire.js';
import { probePaths, treeHasSystemd } from '../nspawn/tree.js';
import { createCgroupDirs, removeCgroupDirs } from '../cgroups/container.js';
import { applyDevicePolicy } from '../cgroups/device-policy.js';
import { detectCgroups } from '../cgroups/detect.js';
import { compileCached } from '../seccomp/cache.js';
import { compileSeccomp } from '../seccomp/compile.js';
import { gatherDeviceFacts } from './device-facts.js';
import { gatherHostFacts, gatherTreeFacts, newUuid } from './facts.js';
import { findImage } from './images.js';
import { MACHINES_DIR, registerMachine, unregisterMachine } from './registry.js';
import { chooseRange, chownTree, delegateCgroupDirs, resolveAuto } from './uid-range.js';
import { effectiveOwnership } from '../nspawn/private-users.js';
import type { JoinSettings } from '../nspawn/join-plan.js';
import { NspawnUnsupportedError } from '../nspawn/errors.js';

export interface PrepareOptions {
  readonly stdinIsTty: boolean;
  readonly stdoutIsTty: boolean;
  /** Pid that will supervise the container (this process when handing over). */
  readonly supervisorPid: number;
  /** nspawn's SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1: a cgroup2-only view even on a hybrid host. */
  readonly forceUnified?: boolean;
  readonly machinesDir?: string;
  /** Where uid range locks live (default /run/nsbox/uid-ranges). */
  readonly uidRangeLockDir?: string;
}

export interface PreparedContainer extends NspawnPlan {
  readonly directory: string;
  /** What a process entering this container must carry (machinectl shell, Container.exec). */
  readonly join: JoinSettings;
  readonly cgroupDirs: readonly string[];
  readonly registrationFile?: string;
  release(): void;
}

export function resolveDirectory(options: NspawnOptions): string {
  if (options.directory !== undefined) {
    const directory = resolve(options.directory);
    if (!existsSync(directory)) throw new TreeMissingError(directory);
    return directory;
  }
  return findImage(options.machine!);
}

/** The credentials' bytes: values as given, files read now (relative paths from here, as nspawn). */
function readCredentials(specs: NspawnOptions['credentials']): Credential[] {
  return specs.map((c) => {
    if (c.kind === 'value') return { id: c.id, content: new TextEncoder().encode(c.value) };
    try {
      return { id: c.id, content: new Uint8Array(readFileSync(resolve(c.path))) };
    } catch (err) {
      throw new NspawnUsageError('--load-credential', `cannot read ${c.path} for credential "${c.id}": ${(err as Error).message}`);
    }
  });
}

export function prepareContainer(options: NspawnOptions, p: PrepareOptions): PreparedContainer {
  const directory = resolveDirectory(options);
  const tree = gatherTreeFacts(directory, probePaths(options));
  const host = gatherHostFacts(p);
  const hostCgroups = detectCgroups();
  const mode = containerCgroupMode(hostCgroups, treeHasSystemd(tree), p.forceUnified ?? false);
  const machine = machineName(options, directory);
  // The pid keeps two containers of the same name (tests, a stale registration) apart.
  const dirs = containerCgroupDirs(hostCgroups, mode, `nsbox-${machine}-${p.supervisorPid}`);
  const machinesDir = p.machinesDir ?? MACHINES_DIR;
  const registrationFile = options.register ? `${machinesDir}/${machine}` : undefined;
  const asked = effectiveOwnership(options.privateUsers, options.privateUsersOwnership);
  const layeredRoot = options.ephemeral || options.volatile === 'yes' || options.volatile === 'overlay';
  if (asked === 'map' && layeredRoot) throw new NspawnUnsupportedError('--private-users-ownership=map with -x or --volatile=yes|overlay (auto chowns there)');
  const chosen = chooseRange(options.privateUsers, { directory, machine, ...(p.uidRangeLockDir !== undefined ? { lockDir: p.uidRangeLockDir } : {}) });
  const ownership = chosen !== undefined && asked === 'auto' ? resolveAuto(directory, chosen.base, layeredRoot) : asked;
  const range = chosen !== undefined && ownership === 'map' ? { ...chosen, idmap: true } : chosen;
  const facts = {
    tree,
    host,
    cgroups: { host: hostCgroups, mode, dirs },
    randomUuid: newUuid(),
    bootId: newUuid(),
    credentials: readCredentials(options.credentials),
    devices: gatherDeviceFacts(options.binds),
    ...(registrationFile !== undefined ? { registrationFile } : {}),
    ...(range !== undefined ? { userNamespace: range } : {}),
  };
  // Plan first (it validates the tree and the user), so a refusal leaves nothing behind.
  const nspawnPlan = planNspawn(options, facts);
  const filters = nspawnPlan.seccomp ? [compileCached(nspawnPlan.seccomp, compileSeccomp)] : [];
  const planned = { ...nspawnPlan, plan: { ...nspawnPlan.plan, process: { ...nspawnPlan.plan.process, seccompFilters: filters } } };
  // planNspawn checked the options against the helper's limits; the encoder checks the rest (the
  // cgroups and filters added here) before anything is made.
  encodePlan(planned.plan);
  const cgroupDirs = dirs.map((d) => d.path);
  // nspawn's chown (auto falls back to it: idmapped mounts are not made yet). It stays done:
  // the root directory's owner records it for the next start, and nothing undoes it.
  if (range !== undefined && ownership === 'chown') chownTree(directory, range.base);
  createCgroupDirs(cgroupDirs);
  let registered = false;
  const release = (): void => {
    if (registered) unregisterMachine(machine, machinesDir);
    removeCgroupDirs([...cgroupDirs].reverse());
  };
  try {
    if (range !== undefined) delegateCgroupDirs(dirs.filter((d) => d.hierarchy !== 'devices').map((d) => d.path), range.base);
    // Before the helper starts, so the payload never runs without it.
    applyDevicePolicy(planned.devicePolicy.target, planned.devicePolicy.rules);
    if (registrationFile !== undefined) {
      registerMachine(
        {
          name: machine, class: 'container', directory, supervisorPid: p.supervisorPid, boot: options.boot, uuid: planned.containerUuid, cgroups: cgroupDirs,
          startedAt: new Date().toISOString(), join: joinSettings(planned),
        },
        machinesDir,
      );
      registered = true;
    }
  } catch (err) {
    release();
    throw err;
  }
  return { ...planned, directory, join: joinSettings(planned), cgroupDirs, ...(registrationFile !== undefined ? { registrationFile } : {}), release };
}

/** What `machinectl shell` needs to enter this container with no more than its own processes have. */
function joinSettings(planned: NspawnPlan): JoinSettings {
  const plan = planned.plan;
  return {
    namespaces: [...plan.namespaces, ...(plan.pidMode !== 'none' ? (['pid'] as const) : [])],
    cgroups: plan.cgroups ?? [],
    retained: plan.process.capabilities?.bounding ?? [],
    ...(planned.seccomp !== undefined ? { seccomp: planned.seccomp } : {}),
    noNewPrivileges: plan.process.noNewPrivileges === true,
  };
}
