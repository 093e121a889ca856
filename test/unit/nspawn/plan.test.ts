import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { planNspawn, consoleMode, containerUuid } from '../../../src/nspawn/plan.js';
import { planCustomMounts } from '../../../src/nspawn/custom-mounts.js';
import { containerCapabilities, NSPAWN_DEFAULT_CAPABILITIES } from '../../../src/nspawn/capabilities.js';
import { containerEnvironment, parseOsRelease } from '../../../src/nspawn/environment.js';
import { ALL_CAPABILITIES, capabilityNumber } from '../../../src/plan/capabilities.js';
import type { NspawnFacts } from '../../../src/nspawn/facts.js';
import type { Op } from '../../../src/plan/types.js';

const cap = (n: string): number => capabilityNumber(n)!;

function facts(more: Partial<NspawnFacts['host']> = {}): NspawnFacts {
  return {
    tree: { directory: '/srv/deb', present: new Set(['/', '/usr', '/etc', '/etc/os-release', '/bin/sh', '/usr/lib/systemd/systemd']), localtime: { kind: 'missing' }, passwd: 'root:x:0:0::/root:/bin/sh\nu:x:5:6::/home/u:/bin/sh\n', group: '' },
    host: {
      boundingSet: ALL_CAPABILITIES, osRelease: { ID: 'debian', VERSION_ID: '12' }, osReleasePath: '/usr/lib/os-release', nofileHard: 20000,
      memTotalBytes: 8 * 2 ** 30, term: 'xterm', stdinIsTty: false, stdoutIsTty: false, env: { FOO: 'bar' }, ...more,
    },
    cgroups: { host: { mode: 'unified', root: '/sys/fs/cgroup', v1: [], unified: { mountPoint: '/sys/fs/cgroup', ownPath: '/' }, symlinks: [] }, mode: 'unified', dirs: [{ hierarchy: 'unified', path: '/sys/fs/cgroup/nsbox-deb-1' }] },
    randomUuid: '11111111-2222-3333-4444-555555555555',
    registrationFile: '/run/nsbox/machines/deb',
  };
}

const targets = (ops: readonly Op[]): string[] => ops.flatMap((op) => ('target' in op ? [`${op.kind} ${op.target.path}`] : []));

test('planNspawn(): new mount/uts/ipc/cgroup namespaces, payload as PID 1, hostname = machine name', () => {
  const { plan, machine } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts());
  assert.equal(machine, 'deb');
  assert.deepEqual(plan.namespaces, ['mount', 'uts', 'ipc', 'cgroup']);
  assert.equal(plan.pidMode, 'payload-is-pid1');
  assert.equal(plan.process.hostname, 'deb');
  assert.deepEqual(plan.cgroups, ['/sys/fs/cgroup/nsbox-deb-1']);
  assert.equal(plan.ops.at(-1)?.kind, 'switch-root');
});

test('planNspawn(): the API file systems in nspawn order, kernel knobs read-only', () => {
  const { plan } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts());
  const t = targets(plan.ops);
  for (const want of ['proc /proc', 'bind /proc/sys', 'sysfs /sys', 'cgroup2 /sys/fs/cgroup', 'tmpfs /dev', 'devpts /dev/pts', 'tmpfs /dev/shm', 'mqueue /dev/mqueue', 'bind-console /dev/console', 'tmpfs /run', 'bind /run/host', 'tmpfs /tmp']) {
    assert.ok(t.includes(want), `${want} in ${t.join(', ')}`);
  }
  assert.ok(t.indexOf('proc /proc') < t.indexOf('bind /proc/sys'));
  const procSys = plan.ops.find((o) => o.kind === 'bind' && o.target.path === '/proc/sys');
  assert.equal(procSys?.kind === 'bind' && procSys.flags.readOnly, true);
});

test('planNspawn(): --pipe has no /dev/console and no TERM unless the caller has one; a terminal gets the interactive pty', () => {
  const piped = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-P', '/bin/sh']), { ...facts(), host: { ...facts().host, term: undefined } } as unknown as NspawnFacts).plan;
  assert.ok(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-P', '/bin/sh']), facts()).plan.process.env.includes('TERM=xterm'));
  assert.equal(piped.console, 'inherit');
  assert.ok(!targets(piped.ops).includes('bind-console /dev/console'));
  assert.ok(!piped.process.env.some((e) => e.startsWith('TERM=')));
  assert.equal(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts()).plan.console, 'pty-read-only');
  assert.equal(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts({ stdinIsTty: true, stdoutIsTty: true })).plan.console, 'pty');
  assert.equal(consoleMode('autopipe', { stdinIsTty: false, stdoutIsTty: true }), 'pipe');
});

test('planNspawn(): boot runs init with SIGTERM -> SIGRTMIN+3, exit codes for halt and reboot, cleanup steps', () => {
  const { plan } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-b']), facts());
  assert.equal(plan.process.executable, '/usr/lib/systemd/systemd');
  assert.deepEqual(plan.supervisor?.translateSignals, [{ from: 15, to: 37 }, { from: 2, to: 37 }]);
  assert.deepEqual(plan.supervisor?.exitCodeOnSignal, [{ signal: 2, code: 0 }, { signal: 1, code: 133 }, { signal: 0, code: 1 }]);
  assert.equal(plan.supervisor?.killOnSignalCount, 2);
  assert.deepEqual(plan.supervisor?.cleanup, [
    { kind: 'unlink', path: '/run/nsbox/containers/11111111-2222-3333-4444-555555555555/notify' },
    { kind: 'unlink', path: '/run/nsbox/containers/11111111-2222-3333-4444-555555555555/kmsg' },
    { kind: 'rmdir', path: '/run/nsbox/containers/11111111-2222-3333-4444-555555555555' },
    { kind: 'unlink', path: '/run/nsbox/machines/deb' },
    { kind: 'rmdir-cgroup-tree', path: '/sys/fs/cgroup/nsbox-deb-1' },
  ]);
  const run = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--kill-signal=SIGINT', '/bin/sh']), facts()).plan;
  assert.deepEqual(run.supervisor?.translateSignals?.[0], { from: 15, to: 2 });
  assert.deepEqual(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts()).plan.supervisor?.translateSignals?.[0], { from: 15, to: 9 });
});

test('planNspawn(): a notify socket per start at /run/host/notify, readiness passed on at start', () => {
  const { plan } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-b']), facts());
  const socket = '/run/nsbox/containers/11111111-2222-3333-4444-555555555555/notify';
  assert.deepEqual(plan.supervisor?.notify, { hostPath: socket, forwardReady: 'on-start' });
  assert.ok(plan.process.env.includes('NOTIFY_SOCKET=/run/host/notify'));
  const at = (pred: (o: Op) => boolean): number => plan.ops.findIndex(pred);
  const placeholder = at((o) => o.kind === 'write-file' && o.path.path === '/run/host/notify');
  const readOnly = at((o) => o.kind === 'bind' && o.target.path === '/run/host');
  const bound = at((o) => o.kind === 'bind' && o.target.path === '/run/host/notify' && o.source.in === 'host' && o.source.path === socket);
  assert.ok(placeholder >= 0 && placeholder < readOnly && readOnly < bound, `placeholder ${placeholder}, ro ${readOnly}, socket ${bound}`);
  const kmsg = plan.ops.find((o) => o.kind === 'bind' && o.target.path === '/proc/kmsg');
  assert.deepEqual(plan.supervisor?.hostFifos, ['/run/nsbox/containers/11111111-2222-3333-4444-555555555555/kmsg']);
  assert.ok(kmsg?.kind === 'bind' && kmsg.source.in === 'host' && kmsg.source.path === plan.supervisor?.hostFifos?.[0], '/proc/kmsg is the held FIFO');
  const waiting = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--notify-ready=yes', '-b']), facts()).plan;
  assert.equal(waiting.supervisor?.notify?.forwardReady, 'on-ready');
});

test('planNspawn(): --as-pid2, --private-network, --read-only, --ephemeral, --hostname, --chdir', () => {
  const { plan } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-a', '--private-network', '--read-only', '--hostname=h', '--chdir=/etc', '/bin/sh']), facts());
  assert.equal(plan.pidMode, 'reaper');
  assert.ok(plan.namespaces.includes('net'));
  assert.ok(plan.process.capabilities?.bounding.includes(cap('NET_ADMIN')));
  assert.deepEqual(plan.ops.at(-2), { kind: 'remount', target: { in: 'root', path: '/' }, recursive: false, flags: { readOnly: true }, optional: false });
  assert.ok(targets(plan.ops).includes('tmpfs /tmp'), '/tmp stays a tmpfs with --read-only');
  assert.equal(plan.process.hostname, 'h');
  assert.equal(plan.process.cwd, '/etc');
  assert.deepEqual(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-x', '/bin/sh']), facts()).plan.rootLayer, { kind: 'ephemeral' });
});

test('planNspawn(): -u sets credentials, HOME/USER/LOGNAME, no capabilities beyond the bounding set', () => {
  const { plan } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-u', 'u', '/bin/sh']), facts());
  assert.deepEqual(plan.process.credentials, { uid: 5, gid: 6, supplementaryGroups: [] });
  assert.ok(plan.process.env.includes('HOME=/home/u') && plan.process.env.includes('USER=u') && plan.process.env.includes('LOGNAME=u'));
  assert.deepEqual(plan.process.capabilities?.effective, []);
  assert.equal(plan.process.cwd, '/home/u');
  assert.throws(() => planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-u', 'nobody', '/bin/sh']), facts()), { code: 'NSPAWN_UNKNOWN_USER' });
});

test('planNspawn(): RLIMIT_NOFILE soft 1024 under the host hard limit', () => {
  assert.deepEqual(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts()).plan.process.rlimits, { nofile: { soft: 1024, hard: 20000 } });
});

test('planNspawn(): --volatile=state mounts a tmpfs /var and turns the tree read-only; overlay is an ephemeral root; yes a volatile one', () => {
  const state = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--volatile=state', '/bin/sh']), facts()).plan;
  const t = targets(state.ops);
  assert.ok(t.includes('tmpfs /var') && t.indexOf('tmpfs /var') < t.indexOf('remount /'), t.join(', '));
  const varTmpfs = state.ops.find((o) => o.kind === 'tmpfs' && o.target.path === '/var');
  assert.deepEqual(varTmpfs?.kind === 'tmpfs' && [varTmpfs.mode, varTmpfs.sizeBytes, varTmpfs.nrInodes, varTmpfs.flags], [0o755, 2 * 2 ** 30, 1024 * 1024, {}]);
  assert.deepEqual(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--volatile=overlay', '/bin/sh']), facts()).plan.rootLayer, { kind: 'ephemeral' });
  const withResolv = facts({ resolvConf: new TextEncoder().encode('nameserver 10.0.0.1\n'), resolvConfPath: '/etc/resolv.conf' });
  const merged = { ...withResolv, tree: { ...withResolv.tree, present: new Set([...withResolv.tree.present, '/bin', '/lib']), symlinks: new Set(['/bin', '/lib']) } };
  const yes = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--volatile=yes', '/bin/sh']), merged).plan;
  assert.deepEqual(yes.rootLayer, { kind: 'volatile', sizeBytes: 2 * 2 ** 30 });
  assert.deepEqual(yes.ops.slice(0, 6).map((o) => (o.kind === 'mkdir' || o.kind === 'symlink' ? `${o.kind} ${o.path.path}` : o.kind)),
    ['mkdir /etc', 'mkdir /var', 'mkdir /root', 'symlink /bin', 'symlink /sbin', 'symlink /lib']);
  assert.ok(yes.ops.some((o) => o.kind === 'write-file' && o.path.path === '/etc/resolv.conf'), 'the host\'s resolv.conf copied into the new /etc');
  // As nspawn: yes wins over -x; yes and overlay make a writable root even with --read-only.
  assert.deepEqual(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-x', '--volatile=yes', '/bin/sh']), merged).plan.rootLayer?.kind, 'volatile');
  for (const mode of ['yes', 'overlay']) {
    const ro = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--read-only', `--volatile=${mode}`, '/bin/sh']), merged).plan;
    assert.ok(!ro.ops.some((o) => o.kind === 'remount' && o.target.path === '/'), mode);
  }
  const own = { ...facts(), tree: { ...facts().tree, present: new Set([...facts().tree.present, '/bin']) } };
  assert.throws(() => planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--volatile', '/bin/sh']), own), { code: 'NSPAWN_USAGE', option: '--volatile' });
});

test('planNspawn(): credentials in a sealed tmpfs at /run/host/credentials, mounted after /run/host turns read-only', () => {
  const withCreds = { ...facts(), credentials: [{ id: 'token', content: new TextEncoder().encode('s3cret') }] };
  const { plan } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), withCreds);
  const at = (pred: (o: Op) => boolean): number => plan.ops.findIndex(pred);
  const dir = '/run/host/credentials';
  const mkdir = at((o) => o.kind === 'mkdir' && o.path.path === dir);
  const hostRo = at((o) => o.kind === 'bind' && o.target.path === '/run/host');
  const tmpfs = at((o) => o.kind === 'tmpfs' && o.target.path === dir);
  const file = at((o) => o.kind === 'write-file' && o.path.path === `${dir}/token` && o.mode === 0o400);
  const sealed = at((o) => o.kind === 'remount' && o.target.path === dir && o.flags.readOnly === true);
  assert.ok(mkdir >= 0 && mkdir < hostRo && hostRo < tmpfs && tmpfs < file && file < sealed, [mkdir, hostRo, tmpfs, file, sealed].join(' '));
  assert.ok(plan.process.env.includes('CREDENTIALS_DIRECTORY=/run/host/credentials'));
  assert.ok(!planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts()).plan.process.env.some((e) => e.startsWith('CREDENTIALS_DIRECTORY=')));
});

test('custom mounts come after the API file systems, parents first; a --tmpfs on /tmp replaces nspawn\'s', () => {
  const o = parseNspawnArgs(['-D', '/srv/deb', '--bind=/a:/x/y', '--bind-ro=/b:/x', '--tmpfs=/tmp', '/bin/sh']);
  assert.deepEqual(targets(planCustomMounts(o, '/srv/deb', 'tok').beforeProc), ['bind /x', 'tmpfs /tmp', 'bind /x/y']);
  const t = targets(planNspawn(o, facts()).plan.ops);
  assert.equal(t.filter((x) => x === 'tmpfs /tmp').length, 1);
});

test('containerCapabilities(): nspawn 252 default set of 26, +/- options, limited by the host', () => {
  assert.equal(NSPAWN_DEFAULT_CAPABILITIES.length, 26);
  for (const dropped of ['NET_ADMIN', 'IPC_LOCK', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_TIME', 'SYSLOG', 'BPF']) assert.ok(!NSPAWN_DEFAULT_CAPABILITIES.includes(cap(dropped)), dropped);
  assert.ok(NSPAWN_DEFAULT_CAPABILITIES.includes(cap('SYS_ADMIN')));
  const r = containerCapabilities({ capability: [[cap('SYS_TIME')]], dropCapability: [[cap('SYS_ADMIN')]], privateNetwork: false, hostBounding: ALL_CAPABILITIES.filter((c) => c !== cap('SYS_RESOURCE')) });
  assert.ok(r.retained.includes(cap('SYS_TIME')) && !r.retained.includes(cap('SYS_ADMIN')));
  assert.deepEqual(r.unavailable, [cap('SYS_RESOURCE')]);
  assert.deepEqual(containerCapabilities({ capability: ['all'], dropCapability: [], privateNetwork: false, hostBounding: ALL_CAPABILITIES }).retained, ALL_CAPABILITIES);
});

test('containerEnvironment(): nspawn\'s variables with container=nsbox, then -E (NAME alone from the caller)', () => {
  const env = containerEnvironment({ containerUuid: 'u', notifySocket: '/run/host/notify', hostOsRelease: parseOsRelease('ID=debian\nVERSION_ID="12"\n'), term: 'vt220', home: '/root', user: 'root', setenv: ['LANG=de_DE.UTF-8', 'FOO'], hostEnv: { FOO: 'bar' } });
  assert.deepEqual(env, [
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'container=nsbox', 'TERM=vt220', 'HOME=/root', 'USER=root', 'LOGNAME=root',
    'container_uuid=u', 'NOTIFY_SOCKET=/run/host/notify', 'container_host_id=debian', 'container_host_version_id=12', 'LANG=de_DE.UTF-8', 'FOO=bar',
  ]);
  assert.throws(() => containerEnvironment({ containerUuid: 'u', notifySocket: '/run/host/notify', hostOsRelease: {}, home: '/', user: 'root', setenv: ['NOPE'], hostEnv: {} }), { code: 'NSPAWN_USAGE' });
});

test('containerUuid(): the tree machine id as a UUID, else the random one', () => {
  assert.equal(containerUuid('0123456789abcdef0123456789abcdef', 'r'), '01234567-89ab-cdef-0123-456789abcdef');
  assert.equal(containerUuid(undefined, 'r'), 'r');
  assert.equal(containerUuid('uninitialized', 'r'), 'r');
});

test('planNspawn() under -U: a user namespace on the chosen range, its lock held by the supervisor and removed after, an idmapped root when asked', () => {
  const range = { base: 0x00500000, count: 65536, lockFile: '/run/nsbox/uid-ranges/5242880', idmap: true };
  const { plan } = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '-U', '/bin/sh']), { ...facts(), userNamespace: range });
  assert.deepEqual(plan.namespaces, ['mount', 'uts', 'ipc', 'cgroup', 'user']);
  assert.deepEqual(plan.user, { uidMap: [{ inside: 0, outside: 0x00500000, count: 65536 }], gidMap: [{ inside: 0, outside: 0x00500000, count: 65536 }], setgroups: 'allow' });
  assert.equal(plan.rootIdmap, true);
  assert.deepEqual(plan.supervisor?.hostLocks, [range.lockFile]);
  assert.ok(plan.supervisor?.cleanup?.some((s) => s.kind === 'unlink' && s.path === range.lockFile));
  assert.ok(!plan.ops.some((op) => op.kind === 'mknod' && op.type === 'char' && op.major !== 0), 'no device node is made inside');
  assert.ok(plan.ops.some((op) => op.kind === 'bind' && op.source.path === '/dev/null'));
  // Without -U: none of it.
  const plain = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '/bin/sh']), facts()).plan;
  assert.equal(plain.user, undefined);
  assert.equal(plain.rootIdmap, undefined);
  assert.equal(plain.supervisor?.hostLocks, undefined);
});
