import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCommand, effectiveRoot } from '../../../src/sandbox/plan-command.js';
import { EnvironmentFileMissingError, ExecSetupError } from '../../../src/sandbox/errors.js';
import { parseUserDatabase } from '../../../src/sandbox/passwd.js';
import { capabilityNumber } from '../../../src/plan/capabilities.js';
import { cmd, p, settings, userDb } from './helpers.js';

const facts = { userDatabase: userDb, privateTmpDirs: { tmp: '/T/tmp', varTmp: '/T/vt' } };

test('planCommand() for a plain service makes no namespace and sets no user variables', () => {
  const { plan } = planCommand(settings(), cmd(['/bin/true']), facts);
  assert.deepEqual(plan.namespaces, []);
  assert.deepEqual(plan.ops, []);
  assert.equal(plan.process.cwd, '/');
  assert.ok(!plan.process.env.some((e) => /^(HOME|USER|LOGNAME|SHELL)=/.test(e)));
  assert.equal(plan.process.credentials, undefined);
});

test('planCommand() with "+" skips the whole sandbox but keeps the environment', () => {
  const s = settings({ user: 'alice', protectSystem: 'strict', privateNetwork: true, environment: ['A=1'], rootDirectory: '/r' });
  const { plan } = planCommand(s, cmd(['/bin/true'], 'ExecStart', { fullPrivileges: true }), facts);
  assert.deepEqual(plan.namespaces, []);
  assert.equal(plan.root, undefined);
  assert.equal(plan.process.credentials, undefined);
  assert.ok(plan.process.env.includes('A=1'));
});

test('planCommand() with "!" keeps the sandbox but not the credentials', () => {
  const { plan } = planCommand(settings({ user: 'alice', privateTmp: true }), cmd(['/bin/true'], 'ExecStart', { noSetCredentials: true }), facts);
  assert.deepEqual(plan.namespaces, ['mount']);
  assert.equal(plan.process.credentials, undefined);
});

test('RootDirectoryStartOnly= keeps ExecStartPre= outside the root', () => {
  const s = settings({ rootDirectory: '/r', rootDirectoryStartOnly: true });
  assert.equal(effectiveRoot(s, cmd(['/x'], 'ExecStartPre')), undefined);
  assert.equal(effectiveRoot(s, cmd(['/x'], 'ExecStart')), '/r');
  const { plan } = planCommand(s, cmd(['/x']), facts);
  assert.equal(plan.root, '/r');
  assert.deepEqual(plan.ops.slice(-2).map((o) => o.kind), ['switch-root', 'propagation']);
});

test('MountFlags=: the last op sets the propagation, shared when unset; setting it asks for a mount namespace', () => {
  const last = (over: Parameters<typeof settings>[0]) => planCommand(settings(over), cmd(['/x']), facts).plan.ops.at(-1);
  assert.deepEqual(last({ privateTmp: false, protectSystem: 'yes' }), { kind: 'propagation', target: { in: 'root', path: '/' }, mode: 'shared', recursive: true });
  for (const mode of ['shared', 'slave', 'private'] as const) {
    const { plan } = planCommand(settings({ mountPropagation: mode }), cmd(['/x']), facts);
    assert.deepEqual(plan.namespaces, ['mount']);
    assert.deepEqual(plan.ops, [{ kind: 'propagation', target: { in: 'root', path: '/' }, mode, recursive: true }]);
  }
  assert.deepEqual(planCommand(settings({}), cmd(['/x']), facts).plan.ops, []);
});

test('EnvironmentFile= overrides Environment= whatever the order', () => {
  const s = settings({ environment: ['A=env', 'B=env'], environmentFiles: [{ path: '/e', ignoreMissing: false }] });
  const { plan } = planCommand(s, cmd(['/x']), { ...facts, environmentFiles: { '/e': 'A=file\n' } });
  assert.ok(plan.process.env.includes('A=file'));
  assert.ok(plan.process.env.includes('B=env'));
});

test('a missing EnvironmentFile= fails before start; with "-" it is skipped', () => {
  const s = settings({ environmentFiles: [{ path: '/e', ignoreMissing: false }] });
  assert.throws(() => planCommand(s, cmd(['/x']), facts), EnvironmentFileMissingError);
  const s2 = settings({ environmentFiles: [{ path: '/e', ignoreMissing: true }] });
  assert.doesNotThrow(() => planCommand(s2, cmd(['/x']), facts));
});

test('Exec lines are expanded with the final environment', () => {
  const { plan } = planCommand(settings({ environment: ['OPTS=-a -b', 'X=1'] }), cmd(['/bin/echo', '$OPTS', 'x=${X}', '$$X']), facts);
  assert.deepEqual(plan.process.argv, ['/bin/echo', '-a', '-b', 'x=1', '$X']);
});

test('User= sets credentials and HOME/USER/LOGNAME/SHELL; WorkingDirectory=~ is the home', () => {
  const { plan } = planCommand(settings({ user: 'alice', workingDirectory: { kind: 'home', ignoreMissing: false } }), cmd(['/x']), facts);
  assert.equal(plan.process.credentials?.uid, 1000);
  assert.equal(plan.process.cwd, '/home/alice');
  assert.ok(plan.process.env.includes('HOME=/home/alice'));
});

test('WorkingDirectory=-/missing is optional', () => {
  const { plan } = planCommand(settings({ workingDirectory: { kind: 'path', path: '/missing', ignoreMissing: true } }), cmd(['/x']), facts);
  assert.equal(plan.process.cwdOptional, true);
});

test('PrivateDevices= drops CAP_MKNOD and CAP_SYS_RAWIO from the bounding set', () => {
  const { plan } = planCommand(settings({ privateDevices: true }), cmd(['/x']), { ...facts, compileSeccomp: () => [new Uint8Array(8)] });
  const b = plan.process.capabilities?.bounding ?? [];
  assert.ok(!b.includes(capabilityNumber('CAP_MKNOD') as number));
  assert.ok(!b.includes(capabilityNumber('CAP_SYS_RAWIO') as number));
  assert.ok(b.includes(capabilityNumber('CAP_SYS_ADMIN') as number));
  assert.equal(plan.process.seccompFilters?.length, 1);
});

test('a needed seccomp filter without a compiler is an error diagnostic', () => {
  const { diagnostics } = planCommand(settings({ lockPersonality: true }), cmd(['/x']), facts);
  assert.ok(diagnostics.some((d) => d.level === 'error' && d.setting === 'SystemCallFilter='));
});

test('PrivateNetwork=, PrivateIPC=, ProtectHostname= ask for namespaces', () => {
  const { plan } = planCommand(settings({ privateNetwork: true, privateIPC: true, protectHostname: true }), cmd(['/x']), { ...facts, compileSeccomp: () => [new Uint8Array(8)] });
  assert.deepEqual(plan.namespaces, ['net', 'ipc', 'uts']);
});

test('all commands of a unit share one private /tmp', () => {
  const s = settings({ privateTmp: true });
  const a = planCommand(s, cmd(['/x'], 'ExecStartPre'), facts).plan.ops;
  const b = planCommand(s, cmd(['/x'], 'ExecStart'), facts).plan.ops;
  assert.deepEqual(a, b);
  assert.ok(a.some((o) => o.kind === 'bind' && o.source.path === '/T/tmp' && o.target.path === '/tmp'));
});

test('UnsetEnvironment= and PassEnvironment= apply', () => {
  const s = settings({ passEnvironment: ['TERM'], unsetEnvironment: ['PATH'] });
  const { plan } = planCommand(s, cmd(['/x']), { ...facts, hostEnvironment: { TERM: 'vt100' } });
  assert.deepEqual(plan.process.env, ['TERM=vt100']);
});

test('ReadOnlyPaths= under RootDirectory= names host paths unless "+"', () => {
  const s = settings({ rootDirectory: '/r', mountAPIVFS: false, readOnlyPaths: [p('/etc'), p('+/usr')] });
  const { plan } = planCommand(s, cmd(['/x']), facts);
  const targets = plan.ops.flatMap((o) => (o.kind === 'remount' ? [o.target.path] : []));
  assert.deepEqual(targets, ['/usr']);
});

test('a seccomp program implies no_new_privs when the payload will lack CAP_SYS_ADMIN', () => {
  const compile = { compileSeccomp: () => [new Uint8Array(8)] };
  const asUser = planCommand(settings({ user: 'nobody', restrictRealtime: true }), cmd(['/x']), { ...facts, ...compile }).plan;
  assert.equal(asUser.process.noNewPrivileges, true);
  const asRoot = planCommand(settings({ restrictRealtime: true }), cmd(['/x']), { ...facts, ...compile }).plan;
  assert.equal(asRoot.process.noNewPrivileges, undefined);
  const rootWithoutSysAdmin = planCommand(settings({ restrictRealtime: true, capabilityBoundingSet: [0] }), cmd(['/x']), { ...facts, ...compile }).plan;
  assert.equal(rootWithoutSysAdmin.process.noNewPrivileges, true);
  const noFilter = planCommand(settings({ user: 'nobody' }), cmd(['/x']), facts).plan;
  assert.equal(noFilter.process.noNewPrivileges, undefined);
});

test('MountAPIVFS= leaves /dev, /sys and /run alone where they are mount points already', () => {
  const targets = (mountPoints?: string[]) => planCommand(settings({ mountAPIVFS: true }), cmd(['/x']), { ...facts, ...(mountPoints ? { mountPoints } : {}) })
    .plan.ops.flatMap((o) => ('target' in o && o.kind !== 'propagation' ? [`${o.kind} ${o.target.path}`] : []));
  assert.deepEqual(targets(['/', '/dev', '/sys', '/run']), ['proc /proc']);
  assert.ok(targets(['/', '/dev', '/sys']).includes('tmpfs /run'));
});

test('entries outside RootDirectory= are dropped, and analyze plan is told why', () => {
  const { plan, diagnostics } = planCommand(settings({
    rootDirectory: '/r', inaccessiblePaths: [p('/home')], readOnlyPaths: [p('/r/etc'), { path: '/srv', ignoreMissing: false, relativeToRoot: true }],
  }), cmd(['/x']), facts);
  assert.deepEqual(diagnostics.map((d) => [d.level, d.setting, d.message]), [[
    'warning', 'InaccessiblePaths=',
    '/home lies outside RootDirectory=/r and is dropped, as systemd does: without a "+" prefix the path names a host path; "+/home" names it inside the root',
  ]]);
  assert.ok(!plan.ops.some((o) => o.kind === 'inaccessible'));
  assert.ok(plan.ops.some((o) => o.kind === 'mount-point' && o.target.path === '/etc'));
  assert.ok(plan.ops.some((o) => o.kind === 'mount-point' && o.target.path === '/srv'));
});

test('User=nobody and User=root are synthesized before the database: no HOME/SHELL for nobody, /root and /bin/bash for root', () => {
  // Homes and shells systemd 252 was seen to ignore (docs/compatibility.md).
  const db = parseUserDatabase('root:x:0:0:root:/srv:/bin/dash\nnobody:x:65534:65534:nobody:/srv:/bin/sh\n', 'nogroup:x:65534:\n');
  const envOf = (user: string) => planCommand(settings({ user }), cmd(['/x']), { ...facts, userDatabase: db }).plan.process.env.filter((e) => !e.startsWith('PATH='));
  assert.deepEqual(envOf('nobody'), ['USER=nobody', 'LOGNAME=nobody']);
  assert.deepEqual(envOf('65534'), ['USER=nobody', 'LOGNAME=nobody']);
  assert.deepEqual(envOf('root'), ['HOME=/root', 'USER=root', 'LOGNAME=root', 'SHELL=/bin/bash']);
  assert.deepEqual(envOf('0'), envOf('root'));
  assert.throws(() => planCommand(settings({ user: 'nobody', workingDirectory: { kind: 'home', ignoreMissing: false } }), cmd(['/x']), { ...facts, userDatabase: db }),
    (e: unknown) => e instanceof ExecSetupError && e.status === 'CHDIR');
});
