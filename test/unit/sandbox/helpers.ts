// Shared builders for the sandbox unit tests.
import { defaultExecSettings, type ExecSettings, type PathSetting } from '../../../src/unit/exec-settings.js';
import { noPrefixes, type CommandKind, type CommandPrefixes, type ExecCommand } from '../../../src/unit/exec-command.js';
import type { UserDatabase, UserRecord, GroupRecord } from '../../../src/sandbox/credentials.js';

export const settings = (over: Partial<ExecSettings> = {}): ExecSettings => ({ ...defaultExecSettings, ...over });

export const p = (text: string): PathSetting => {
  let rest = text;
  const ignoreMissing = rest.startsWith('-');
  if (ignoreMissing) rest = rest.slice(1);
  const relativeToRoot = rest.startsWith('+');
  if (relativeToRoot) rest = rest.slice(1);
  return { path: rest, ignoreMissing, relativeToRoot };
};

export const cmd = (argv: string[], kind: CommandKind = 'ExecStart', prefixes: Partial<CommandPrefixes> = {}): ExecCommand => ({
  kind, path: argv[0] as string, argv, prefixes: { ...noPrefixes, ...prefixes },
});

const USERS: UserRecord[] = [
  { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
  { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/sh' },
  { name: 'daemon', uid: 1, gid: 1, home: '/usr/sbin', shell: '/usr/sbin/nologin' },
];
const GROUPS: GroupRecord[] = [
  { name: 'root', gid: 0 }, { name: 'alice', gid: 1000 }, { name: 'audio', gid: 29 }, { name: 'video', gid: 44 },
];

export const userDb: UserDatabase = {
  user: (n) => USERS.find((u) => u.name === n || String(u.uid) === n),
  group: (n) => GROUPS.find((g) => g.name === n || String(g.gid) === n),
  memberships: (name) => (name === 'alice' ? [29] : []),
};

export const emptyDb: UserDatabase = { user: () => undefined, group: () => undefined, memberships: () => [] };
