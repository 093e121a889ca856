// A tree's /etc/passwd and /etc/group as the planner's UserDatabase. The files are read once;
// lookups accept a name or a decimal id, as systemd's User=/Group= do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroupRecord, UserDatabase, UserRecord } from '../sandbox/credentials.js';

const rows = (text: string): string[][] =>
  text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));

/** passwd(5) and group(5) texts -> a UserDatabase; malformed lines are skipped. */
export function parseUserDatabase(passwdText: string, groupText: string): UserDatabase {
  const users: UserRecord[] = rows(passwdText).filter((r) => r.length >= 7 && /^\d+$/.test(r[2] ?? '') && /^\d+$/.test(r[3] ?? ''))
    .map((r) => ({ name: r[0] as string, uid: Number(r[2]), gid: Number(r[3]), home: r[5] as string, shell: r[6] as string }));
  const groups = rows(groupText).filter((r) => r.length >= 3 && /^\d+$/.test(r[2] ?? ''))
    .map((r) => ({ name: r[0] as string, gid: Number(r[2]), members: (r[3] ?? '').split(',').filter(Boolean) }));
  const byNameOrId = <T extends { name: string }>(list: readonly T[], id: (x: T) => number, key: string): T | undefined =>
    list.find((x) => x.name === key) ?? (/^\d+$/.test(key) ? list.find((x) => id(x) === Number(key)) : undefined);
  return {
    user: (key) => byNameOrId(users, (u) => u.uid, key),
    group: (key): GroupRecord | undefined => {
      const g = byNameOrId(groups, (x) => x.gid, key);
      return g ? { name: g.name, gid: g.gid } : undefined;
    },
    memberships: (userName) => groups.filter((g) => g.members.includes(userName)).map((g) => g.gid),
  };
}

const readOrEmpty = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // a tree without the file: only systemd's synthesized root and nobody exist
  }
};

/** The user database of the tree at `root` (a host path; '/' for the host). */
export const readUserDatabase = (root: string): UserDatabase =>
  parseUserDatabase(readOrEmpty(join(root, 'etc/passwd')), readOrEmpty(join(root, 'etc/group')));
