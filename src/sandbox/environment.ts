// The environment a command gets, merged in systemd's order (later sources win by name):
// the manager's own (PATH ...), the user's (HOME, USER, LOGNAME, SHELL), PassEnvironment=,
// Environment=, then EnvironmentFile= (so files override Environment= whatever the line order);
// last, UnsetEnvironment= takes out names, or exact NAME=VALUE assignments only.
import { DEFAULT_PATH } from '../plan/default-path.js';
import { isValidEnvName } from './env-file.js';
import { EXEC_DIRECTORY_PREFIX, EXEC_DIRECTORY_TYPES, EXEC_DIRECTORY_VARIABLE, type ExecSettings } from '../unit/exec-settings.js';

/** systemd 252 as built by Debian (split /usr): the system manager's default PATH. */
/** The manager's PATH assignment when it has no environment of its own. */
export const DEFAULT_PATH_ASSIGNMENT = `PATH=${DEFAULT_PATH}`;

const nameOf = (assignment: string): string => {
  const eq = assignment.indexOf('=');
  return eq < 0 ? assignment : assignment.slice(0, eq);
};

/** Merges lists of NAME=VALUE: a later assignment replaces an earlier one in place. */
export function mergeEnvironment(...lists: readonly (readonly string[])[]): string[] {
  const byName = new Map<string, string>();
  for (const list of lists) {
    for (const a of list) {
      if (!a.includes('=') || !isValidEnvName(nameOf(a))) continue;
      byName.set(nameOf(a), a);
    }
  }
  return [...byName.values()];
}

/** UnsetEnvironment=: `NAME` drops any NAME=..., `NAME=VALUE` only that exact assignment. */
export const unsetEnvironment = (env: readonly string[], unset: readonly string[]): string[] =>
  env.filter((a) => !unset.some((u) => (u.includes('=') ? a === u : nameOf(a) === u)));

/** PassEnvironment=: names taken from the manager's (host) environment; absent ones are skipped. */
export function passEnvironment(names: readonly string[], hostEnvironment: Readonly<Record<string, string | undefined>>): string[] {
  return names.flatMap((name) => {
    const value = hostEnvironment[name];
    return value === undefined ? [] : [`${name}=${value}`];
  });
}

export interface UserEnvironmentInput {
  readonly userName: string;
  readonly home: string;
  readonly shell: string;
}

/** Placeholders (nologin, false, true) are not real shells; systemd sets no SHELL= for them. */
const isPlaceholderShell = (shell: string): boolean => shell === '' || /\/(nologin|false|true)$/.test(shell);

/**
 * HOME, USER, LOGNAME, SHELL; only with User= (systemd sets none of them otherwise). A home of
 * '/' (nobody's) gives no HOME, a placeholder shell no SHELL.
 */
export function userEnvironment(user: UserEnvironmentInput | undefined): string[] {
  if (!user) return [];
  return [
    ...(user.home !== '' && user.home !== '/' ? [`HOME=${user.home}`] : []),
    `USER=${user.userName}`, `LOGNAME=${user.userName}`,
    ...(isPlaceholderShell(user.shell) ? [] : [`SHELL=${user.shell}`]),
  ];
}

/** $RUNTIME_DIRECTORY and friends: each type's full paths, colon-separated (systemd.exec(5)). */
export function execDirectoryEnvironment(s: ExecSettings): string[] {
  return EXEC_DIRECTORY_TYPES.flatMap((t) => (s.execDirectories[t].length === 0 ? []
    : [`${EXEC_DIRECTORY_VARIABLE[t]}=${s.execDirectories[t].map((p) => `${EXEC_DIRECTORY_PREFIX[t]}/${p}`).join(':')}`]));
}

/** Looks up NAME in a NAME=VALUE list. */
export function getEnv(env: readonly string[], name: string): string | undefined {
  for (let i = env.length - 1; i >= 0; i--) {
    const a = env[i] as string;
    if (nameOf(a) === name && a.length > name.length) return a.slice(name.length + 1);
  }
  return undefined;
}
