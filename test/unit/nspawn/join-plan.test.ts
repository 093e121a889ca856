import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planShell, type JoinSettings } from '../../../src/nspawn/join-plan.js';
import { UnknownUserError } from '../../../src/nspawn/errors.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ntester:x:1000:1000::/home/tester:/bin/zsh\nbare:x:1001:1001::/home/bare:\n';
const GROUP = 'root:x:0:\ntester:x:1000:\nwheel:x:10:tester\n';
const SETTINGS: JoinSettings = { namespaces: ['mount', 'uts', 'ipc', 'cgroup', 'pid'], cgroups: ['/sys/fs/cgroup/x'], retained: [0, 1, 21], noNewPrivileges: false };
const base = { leaderPid: 42, settings: SETTINGS, passwd: PASSWD, group: GROUP, setenv: [], pty: false };

test('no command: the user\'s shell as a login shell, in its home, with a login\'s environment', () => {
  const plan = planShell(base);
  assert.deepEqual(plan.join, { pid: 42, namespaces: SETTINGS.namespaces });
  assert.deepEqual(plan.cgroups, ['/sys/fs/cgroup/x']);
  assert.equal(plan.process.executable, '/bin/bash');
  assert.deepEqual(plan.process.argv, ['-bash']);
  assert.equal(plan.process.cwd, '/root');
  assert.deepEqual(plan.process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'USER=root', 'LOGNAME=root', 'SHELL=/bin/bash']);
  assert.equal(plan.process.credentials, undefined, 'root stays root outside a user namespace');
  assert.deepEqual(plan.process.capabilities?.bounding, [0, 1, 21]);
  assert.deepEqual(plan.process.capabilities?.effective, [0, 1, 21]);
  assert.deepEqual(plan.process.terminal, { kind: 'new-session' });
  assert.equal(plan.console, undefined);
});

test('a user gets its ids, its groups as initgroups sets them, and no capabilities', () => {
  const plan = planShell({ ...base, user: 'tester', command: ['/bin/id', '-a'] });
  assert.deepEqual(plan.process.credentials, { uid: 1000, gid: 1000, supplementaryGroups: [1000, 10] });
  assert.deepEqual(plan.process.argv, ['/bin/id', '-a']);
  assert.equal(plan.process.executable, '/bin/id');
  assert.deepEqual(plan.process.capabilities?.effective, []);
  assert.deepEqual(plan.process.capabilities?.bounding, [0, 1, 21], 'the bounding set stays the container\'s');
  assert.equal(planShell({ ...base, user: 'bare' }).process.executable, '/bin/sh', 'an empty shell field means /bin/sh');
  assert.throws(() => planShell({ ...base, user: 'ghost' }), UnknownUserError);
});

test('-E wins over the defaults, a pty makes the terminal the controlling one, a user namespace forces the switch to its root', () => {
  const plan = planShell({ ...base, setenv: ['HOME=/elsewhere', 'A=1', 'A=2'], pty: true, term: 'xterm' });
  assert.deepEqual(plan.process.env.filter((e) => /^(HOME|A|TERM)=/.test(e)), ['HOME=/elsewhere', 'TERM=xterm', 'A=2']);
  assert.equal(plan.console, 'pty');
  assert.deepEqual(plan.process.terminal, { kind: 'controlling-tty' });
  const userns = planShell({ ...base, settings: { ...SETTINGS, namespaces: [...SETTINGS.namespaces, 'user'] } });
  assert.deepEqual(userns.process.credentials, { uid: 0, gid: 0, supplementaryGroups: [0] });
});

test('the container\'s filter and no_new_privs come along', () => {
  const filter = new Uint8Array(16);
  const plan = planShell({ ...base, settings: { ...SETTINGS, noNewPrivileges: true }, seccompFilter: filter });
  assert.deepEqual(plan.process.seccompFilters, [filter]);
  assert.equal(plan.process.seccompTiming, 'before-credentials');
  assert.equal(plan.process.noNewPrivileges, true);
});
