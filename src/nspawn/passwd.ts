// -u/--user looks the user up in the TREE's /etc/passwd and /etc/group (never the host's): the
// edge reads the files, these functions parse them. A numeric user that is not listed is taken
// as is, with its own id as group, as getent-less images in nspawn would need.
import { UnknownUserError } from './errors.js';

export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

const id = (text: string | undefined): number | undefined =>
  text !== undefined && /^\d+$/.test(text) && Number(text) < 2 ** 32 - 1 ? Number(text) : undefined;

/** passwd(5): name:password:uid:gid:gecos:home:shell. Malformed lines are skipped, as NSS does. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , uidText, gidText, , home, shell] = line.split(':');
    const uid = id(uidText);
    const gid = id(gidText);
    if (!name || uid === undefined || gid === undefined) continue;
    out.push({ name, uid, gid, home: home || '/', shell: shell || '/bin/sh' });
  }
  return out;
}

/** group(5): name:password:gid:member,member. */
export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, , gidText, members] = line.split(':');
    const gid = id(gidText);
    if (!name || gid === undefined) continue;
    out.push({ name, gid, members: (members ?? '').split(',').filter(Boolean) });
  }
  return out;
}

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
  const entry = entries.find((e) => e.name === user) ?? entries.find((e) => id(user) !== undefined && e.uid === id(user));
  if (!entry) throw new UnknownUserError(user);
  const groups = parseGroup(groupText)
    .filter((g) => g.members.includes(entry.name) && g.gid !== entry.gid)
    .map((g) => g.gid);
  return { name: entry.name, uid: entry.uid, gid: entry.gid, home: entry.home, supplementaryGroups: [...new Set(groups)] };
}
