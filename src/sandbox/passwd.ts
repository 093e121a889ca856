// passwd(5) and group(5) texts, parsed once for everyone who reads them: the service planner's
// UserDatabase (User=, Group=) and nspawn's -u. Malformed lines are skipped, as NSS does.
import type { GroupRecord, UserDatabase, UserRecord } from './credentials.js';

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

const id = (text: string | undefined): number | undefined =>
  text !== undefined && /^\d+$/.test(text) && Number(text) < 2 ** 32 - 1 ? Number(text) : undefined;

const rows = (text: string): string[][] =>
  text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));

/** name:password:uid:gid:gecos:home:shell; home and shell as written (empty when absent). */
export function parsePasswd(text: string): UserRecord[] {
  return rows(text).flatMap(([name, , uidText, gidText, , home, shell]) => {
    const uid = id(uidText);
    const gid = id(gidText);
    return name && uid !== undefined && gid !== undefined ? [{ name, uid, gid, home: home ?? '', shell: shell ?? '' }] : [];
  });
}

/** name:password:gid:member,member. */
export function parseGroup(text: string): GroupEntry[] {
  return rows(text).flatMap(([name, , gidText, members]) => {
    const gid = id(gidText);
    return name && gid !== undefined ? [{ name, gid, members: (members ?? '').split(',').filter(Boolean) }] : [];
  });
}

/** The texts as the planner's UserDatabase: lookups by name or decimal id, as User=/Group= take. */
export function parseUserDatabase(passwdText: string, groupText: string): UserDatabase {
  const users = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  const byNameOrId = <T extends { name: string }>(list: readonly T[], idOf: (x: T) => number, key: string): T | undefined =>
    list.find((x) => x.name === key) ?? (id(key) !== undefined ? list.find((x) => idOf(x) === Number(key)) : undefined);
  return {
    user: (key) => byNameOrId(users, (u) => u.uid, key),
    group: (key): GroupRecord | undefined => {
      const g = byNameOrId(groups, (x) => x.gid, key);
      return g ? { name: g.name, gid: g.gid } : undefined;
    },
    memberships: (userName) => groups.filter((g) => g.members.includes(userName)).map((g) => g.gid),
  };
}
