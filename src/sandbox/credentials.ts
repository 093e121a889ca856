// User=, Group=, SupplementaryGroups= -> numeric credentials, looked up in the user database of
// the tree the command runs in (injected: the edge reads the root's /etc/passwd and /etc/group).
// root and nobody are synthesized as systemd does, so they work in trees without /etc/passwd.
import type { Credentials } from '../plan/types.js';
import { ExecSetupError } from './errors.js';
import { SYNTHESIZED_GROUPS, SYNTHESIZED_USERS, type GroupRecord, type UserRecord } from '../unit/users.js';

export type { GroupRecord, UserRecord };

/** The user database the planner asks; both `name` and a decimal id must be accepted. */
export interface UserDatabase {
  user(nameOrId: string): UserRecord | undefined;
  group(nameOrId: string): GroupRecord | undefined;
  /** Groups listing `userName` as a member (/etc/group), as initgroups(3) finds them. */
  memberships(userName: string): readonly number[];
}

const matches = (nameOrId: string, name: string, id: number): boolean => nameOrId === name || nameOrId === String(id);

/** systemd's synthesized records first (root and nobody by name or id), then the database. */
export function lookupUser(db: UserDatabase, nameOrId: string): UserRecord | undefined {
  return SYNTHESIZED_USERS.find((u) => matches(nameOrId, u.name, u.uid)) ?? db.user(nameOrId);
}

export function lookupGroup(db: UserDatabase, nameOrId: string): GroupRecord | undefined {
  return db.group(nameOrId) ?? SYNTHESIZED_GROUPS.find((g) => matches(nameOrId, g.name, g.gid));
}

export interface ResolvedCredentials {
  readonly credentials: Credentials;
  /** Set with User=: feeds HOME/USER/LOGNAME/SHELL and WorkingDirectory=~. */
  readonly user?: UserRecord;
}

export interface CredentialSettings {
  readonly user?: string;
  readonly group?: string;
  readonly supplementaryGroups: readonly string[];
}

/**
 * Unknown user: 217/USER; unknown group: 216/GROUP. With Group=, the passwd primary group is not
 * added to the supplementary list (initgroups runs with Group='s gid as the base instead).
 * Returns undefined when neither User= nor Group= nor SupplementaryGroups= is set (stay root).
 */
export function resolveCredentials(s: CredentialSettings, db: UserDatabase): ResolvedCredentials | undefined {
  if (s.user === undefined && s.group === undefined && s.supplementaryGroups.length === 0) return undefined;
  const user = s.user === undefined ? undefined : lookupUser(db, s.user);
  if (s.user !== undefined && !user) throw new ExecSetupError('USER', 'User=', `${s.user}: no such user`);
  const groupOf = (name: string, setting: string): number => {
    const g = lookupGroup(db, name);
    if (!g) throw new ExecSetupError('GROUP', setting, `${name}: no such group`);
    return g.gid;
  };
  const gid = s.group !== undefined ? groupOf(s.group, 'Group=') : user?.gid ?? 0;
  const memberships = user ? db.memberships(user.name) : [];
  const base = user ? [gid] : [];
  const extra = s.supplementaryGroups.map((g) => groupOf(g, 'SupplementaryGroups='));
  const supplementaryGroups = [...new Set([...base, ...memberships, ...extra])];
  return {
    credentials: { uid: user?.uid ?? 0, gid, supplementaryGroups },
    ...(user ? { user } : {}),
  };
}
