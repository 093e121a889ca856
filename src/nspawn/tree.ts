// What nspawn looks for in a tree: os-release and usr/ (to accept it), an init (to boot it), a
// shell or the command (to run it). The edge probes exactly these paths; nothing else is read.
import { CommandNotFoundError, NoInitError, NotAnOsTreeError } from './errors.js';
import type { NspawnOptions } from './options.js';
import type { TreeFacts } from './facts.js';
import { DEFAULT_PATH } from '../plan/default-path.js';
import { MERGED_USR_DIRS } from './merged-usr.js';

export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;
/** nspawn 252 tries these in order for -b. */
export const INIT_CANDIDATES = ['/usr/lib/systemd/systemd', '/lib/systemd/systemd', '/sbin/init'] as const;
export const SYSTEMD_PATHS = ['/usr/lib/systemd/systemd', '/lib/systemd/systemd'] as const;
/** nspawn's fallback when no command is given: a login shell. */
export const SHELL_CANDIDATES = ['/usr/bin/bash', '/bin/bash', '/usr/bin/sh', '/bin/sh'] as const;

const searchPath = (options: NspawnOptions): string =>
  options.setenv.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;

/** Every in-tree path whose existence the planner may ask about. */
export function probePaths(options: NspawnOptions): string[] {
  const paths: string[] = [
    '/', '/usr', ...OS_RELEASE_PATHS, ...INIT_CANDIDATES, ...SHELL_CANDIDATES, '/etc', '/etc/resolv.conf', '/tmp',
    // For --volatile=yes: whether /usr is merged, and which compat links to make.
    ...MERGED_USR_DIRS.map((d) => `/${d}`), '/usr/lib64',
  ];
  const command = options.command[0];
  if (!options.boot && command !== undefined && !command.includes('/')) {
    for (const dir of searchPath(options).split(':').filter((d) => d.startsWith('/'))) paths.push(`${dir}/${command}`);
  }
  return [...new Set(paths)];
}

/**
 * As nspawn: any tree needs usr/ (a plain chroot with a command runs without os-release); a tree
 * to boot also needs os-release. A path that does not exist is the edge's TreeMissingError.
 */
export function checkOsTree(tree: TreeFacts, boot: boolean): void {
  if (!tree.present.has('/') || !tree.present.has('/usr')) throw new NotAnOsTreeError(tree.directory, 'usr');
  if (boot && !OS_RELEASE_PATHS.some((p) => tree.present.has(p))) throw new NotAnOsTreeError(tree.directory, 'os-release');
}

export const treeHasSystemd = (tree: TreeFacts): boolean => SYSTEMD_PATHS.some((p) => tree.present.has(p));

export interface Command {
  readonly executable: string;
  readonly argv: readonly string[];
  readonly isSystemdInit: boolean;
}

/** The program to exec and its argv: init for -b, the command (PATH-searched) or a login shell. */
export function resolveCommand(options: NspawnOptions, tree: TreeFacts): Command {
  if (options.boot) {
    const init = INIT_CANDIDATES.find((p) => tree.present.has(p));
    if (init === undefined) throw new NoInitError(INIT_CANDIDATES);
    // A tree whose /sbin/init is a symlink to systemd is systemd all the same.
    return { executable: init, argv: [init, ...options.command], isSystemdInit: treeHasSystemd(tree) };
  }
  const [command, ...args] = options.command;
  if (command === undefined) {
    const shell = SHELL_CANDIDATES.find((p) => tree.present.has(p));
    if (shell === undefined) throw new CommandNotFoundError('/bin/sh');
    return { executable: shell, argv: [`-${shell.slice(shell.lastIndexOf('/') + 1)}`], isSystemdInit: false };
  }
  if (command.startsWith('/')) return { executable: command, argv: options.command, isSystemdInit: false };
  if (command.includes('/')) throw new CommandNotFoundError(command);
  const dirs = searchPath(options).split(':').filter((d) => d.startsWith('/'));
  const found = dirs.map((d) => `${d}/${command}`).find((p) => tree.present.has(p));
  if (found === undefined) throw new CommandNotFoundError(command);
  return { executable: found, argv: [command, ...args], isSystemdInit: false };
}

/** nspawn's default machine name: the directory's last component, cleaned up to a hostname. */
export function defaultMachineName(directory: string): string {
  const base = directory.replace(/\/+$/, '').split('/').pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9_.-]/g, '').replace(/^[.-]+/, '').slice(0, 64);
  return cleaned === '' ? 'container' : cleaned;
}
