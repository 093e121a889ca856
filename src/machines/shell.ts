// `machinectl shell`: prepares the plan of a process that enters a running container (see
// nspawn/join-plan.ts for what it carries). The container's files (passwd, group, the command)
// are read through its leader's root, inside it, so a container cannot make these reads touch
// the host.
import { CommandNotFoundError } from '../nspawn/errors.js';
import { planShell, type JoinSettings } from '../nspawn/join-plan.js';
import { compileCached } from '../seccomp/cache.js';
import { compileSeccomp } from '../seccomp/compile.js';
import type { Launchable } from '../launch/types.js';
import { MachineNotReadyError } from './machine-control.js';
import type { RunningMachine } from './running.js';
import { lstatInTree, readTreeFile } from './tree-files.js';

export interface ShellOptions {
  readonly user?: string;
  readonly command?: readonly string[];
  readonly setenv: readonly string[];
  readonly pty: boolean;
  readonly term?: string;
}

const SEARCH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** A command name without a slash is looked up in the container's PATH directories, as a shell would. */
function resolveInContainer(root: string, command: string): string {
  if (command.includes('/')) {
    if (!command.startsWith('/')) throw new CommandNotFoundError(command);
    return command;
  }
  for (const dir of SEARCH) {
    const kind = lstatInTree(root, `${dir}/${command}`).kind;
    if (kind === 'file' || kind === 'symlink') return `${dir}/${command}`;
  }
  throw new CommandNotFoundError(command);
}

export function prepareShell(m: RunningMachine, o: ShellOptions): Launchable {
  const leader = m.leader;
  const join = m.record.join;
  if (leader === undefined || join === undefined) throw new MachineNotReadyError(m.record.name);
  return prepareJoin(leader, join, o);
}

/** A process entering the container whose PID 1 is `leader`, carrying `join` (machinectl shell, Container.exec). */
export function prepareJoin(leader: number, join: JoinSettings, o: ShellOptions): Launchable {
  const root = `/proc/${leader}/root`;
  const command = o.command !== undefined && o.command.length > 0 ? [resolveInContainer(root, o.command[0]!), ...o.command.slice(1)] : undefined;
  const filter = join.seccomp !== undefined ? compileCached(join.seccomp, compileSeccomp) : undefined;
  const plan = planShell({
    leaderPid: leader,
    settings: join,
    passwd: readTreeFile(root, '/etc/passwd') ?? '',
    group: readTreeFile(root, '/etc/group') ?? '',
    ...(o.user !== undefined ? { user: o.user } : {}),
    ...(command !== undefined ? { command } : {}),
    setenv: o.setenv,
    ...(o.term !== undefined ? { term: o.term } : {}),
    pty: o.pty,
    ...(filter !== undefined ? { seccompFilter: filter } : {}),
  });
  return { plan, cgroupDirs: [], release: () => undefined };
}
