// `machinectl shell`: a process that enters a running container. It gets what the container's own
// processes get (its namespaces, its cgroups so the device policy holds, its capability bounding
// set and its system-call filter), never more, because a process that joins is as exposed to the
// container as the container's own are. The container records what a join needs when it starts
// (JoinSettings, in its registration); this turns that and a user of the container into a plan.
import { processCapabilities } from '../plan/capabilities.js';
import type { CapSet, NamespaceKind, Plan } from '../plan/types.js';
import { parsePasswd } from '../sandbox/passwd.js';
import { resolveUser } from './passwd.js';
import type { NspawnSeccompPolicy } from './seccomp.js';
import { UnknownUserError } from './errors.js';

/** What a process joining the container must carry, fixed when the container starts. */
export interface JoinSettings {
  /** Every namespace the container's payload has (pid and user included when it has them). */
  readonly namespaces: readonly NamespaceKind[];
  /** The cgroup directories the payload joined (on v1, the devices hierarchy's policy leaf). */
  readonly cgroups: readonly string[];
  /** The capabilities the container keeps (its bounding set). */
  readonly retained: CapSet;
  readonly seccomp?: NspawnSeccompPolicy;
  readonly noNewPrivileges: boolean;
}

export interface ShellRequest {
  /** Host pid of the container's leader (its PID 1). */
  readonly leaderPid: number;
  readonly settings: JoinSettings;
  /** The container's /etc/passwd and /etc/group, as read from inside its root. */
  readonly passwd: string;
  readonly group: string;
  /** Default root, as machinectl. */
  readonly user?: string;
  /** Absent: the user's login shell as a login shell. */
  readonly command?: readonly string[];
  /** -E VAR=VALUE, in order; later ones win. */
  readonly setenv: readonly string[];
  /** The caller's TERM when it has a terminal. */
  readonly term?: string;
  /** A pty between the caller's terminal and the process (machinectl does so when stdin is a tty). */
  readonly pty: boolean;
  /** The compiled filter of settings.seccomp (compiling is the edge's job). */
  readonly seccompFilter?: Uint8Array;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The shell plan: join every namespace of the leader, run as the user (its groups as initgroups(3)
 * sets them, the primary one included, as a login gets them), with the container's limits.
 */
export function planShell(r: ShellRequest): Plan {
  const userName = r.user ?? 'root';
  const user = resolveUser(userName, r.passwd, r.group);
  const entry = parsePasswd(r.passwd).find((e) => e.name === user.name);
  if (entry === undefined) throw new UnknownUserError(userName);
  const shell = entry.shell || '/bin/sh';
  const [executable, argv] = r.command !== undefined && r.command.length > 0
    ? [r.command[0]!, r.command]
    // A login shell, as login(1) starts one: argv[0] is the shell's name with a leading dash.
    : [shell, [`-${shell.slice(shell.lastIndexOf('/') + 1)}`]];
  const env = mergeEnv([
    `PATH=${DEFAULT_PATH}`, `HOME=${user.home}`, `USER=${user.name}`, `LOGNAME=${user.name}`, `SHELL=${shell}`,
    ...(r.term !== undefined ? [`TERM=${r.term}`] : []),
    ...r.setenv,
  ]);
  return {
    namespaces: [],
    pidMode: 'none',
    join: { pid: r.leaderPid, namespaces: r.settings.namespaces },
    cgroups: r.settings.cgroups,
    ...(r.pty ? { console: 'pty' as const } : {}),
    ops: [],
    process: {
      executable,
      argv,
      env,
      cwd: user.home,
      cwdOptional: true,
      // Under the container's user namespace even root must switch: the joining process still has the
      // host's ids, which the namespace shows as the overflow id until it takes the mapped 0.
      ...(user.uid !== 0 || user.gid !== 0 || r.settings.namespaces.includes('user') ? { credentials: { uid: user.uid, gid: user.gid, supplementaryGroups: [user.gid, ...user.supplementaryGroups] } } : {}),
      capabilities: processCapabilities(r.settings.retained, user.uid),
      ...(r.settings.noNewPrivileges ? { noNewPrivileges: true } : {}),
      ...(r.seccompFilter !== undefined ? { seccompFilters: [r.seccompFilter], seccompTiming: 'before-credentials' as const } : {}),
      terminal: r.pty ? { kind: 'controlling-tty' } : { kind: 'new-session' },
    },
  };
}

/** VAR=VALUE entries, the last of each name winning, in first-seen order. */
function mergeEnv(entries: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const e of entries) {
    const eq = e.indexOf('=');
    if (eq > 0) byName.set(e.slice(0, eq), e);
  }
  return [...byName.values()];
}
