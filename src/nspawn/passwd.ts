// -u/--user looks the user up in the TREE's /etc/passwd and /etc/group (never the host's): the
// edge reads the files, this resolves the user in them.
import { UnknownUserError } from './errors.js';
import { parseGroup, parsePasswd } from '../sandbox/passwd.js';

export { parseGroup, parsePasswd } from '../sandbox/passwd.js';

export interface ResolvedUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly supplementaryGroups: readonly number[];
}

/** By name first, then by number (as getpwnam then getpwuid would). Throws UnknownUserError. */
export function resolveUser(user: string, passwdText: string, groupText: string): ResolvedUser {
  const entries = parsePasswd(passwdText);
  const entry = entries.find((e) => e.name === user) ?? entries.find((e) => /^\d+$/.test(user) && e.uid === Number(user));
  if (!entry) throw new UnknownUserError(user);
  const groups = parseGroup(groupText)
    .filter((g) => g.members.includes(entry.name) && g.gid !== entry.gid)
    .map((g) => g.gid);
  return { name: entry.name, uid: entry.uid, gid: entry.gid, home: entry.home || '/', supplementaryGroups: [...new Set(groups)] };
}
