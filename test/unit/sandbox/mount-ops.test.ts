import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountListOps, readOnlyOps, privateDevOps } from '../../../src/sandbox/mount-ops.js';
import { collectMountEntries, normalizeMountList } from '../../../src/sandbox/mount-list.js';
import type { Op } from '../../../src/plan/types.js';
import { p, settings } from './helpers.js';

const ctx = { root: '/', protectProc: 'default', procSubset: 'all', mountNosuid: false } as const;
const opsFor = (over: Parameters<typeof settings>[0], root = '/') =>
  mountListOps(normalizeMountList(collectMountEntries({ settings: settings(over) }).entries, root), { ...ctx, root });
const show = (op: Op): string => {
  switch (op.kind) {
    case 'remount': return `remount ${op.target.path}${op.recursive ? ' -r' : ''} ${JSON.stringify(op.flags)}${op.exclude ? ` except ${op.exclude.map((x) => x.path).join(',')}` : ''}`;
    case 'bind': return `bind ${op.source.in}:${op.source.path} ${op.target.path}`;
    case 'mount-point': return `mount-point ${op.target.path}`;
    case 'tmpfs': return `tmpfs ${op.target.path} ${op.mode.toString(8)}`;
    case 'inaccessible': return `inaccessible ${op.target.path}${op.optional ? ' optional' : ''}`;
    default: return `${op.kind}`;
  }
};

test('mountListOps() mounts first and flips read-only after, sparing the writable entry below', () => {
  assert.deepEqual(opsFor({ readOnlyPaths: [p('/usr')], readWritePaths: [p('/usr/local')] }).map(show), [
    'mount-point /usr', 'mount-point /usr/local',
    'remount /usr -r {"readOnly":true} except /usr/local',
  ]);
});

test('mountListOps() takes every bind source from the view before any op ran', () => {
  const ops = mountListOps(normalizeMountList(collectMountEntries({
    settings: settings({
      privateDevices: true, protectHome: 'tmpfs', bindReadOnlyPaths: [{ source: '/home/a', destination: '/home/a', ignoreMissing: false, recursive: true }],
    }),
  }).entries, '/'), ctx);
  const binds = ops.filter((o) => o.kind === 'bind');
  assert.ok(binds.some((o) => o.kind === 'bind' && o.target.path === '/dev/pts'));
  assert.ok(binds.some((o) => o.kind === 'bind' && o.target.path === '/home/a'));
  assert.deepEqual(binds.filter((o) => o.kind === 'bind' && o.sourceView !== 'original'), []);
});

test('readOnlyOps() names only the topmost entries below, and not those read-only anyway', () => {
  const ops = opsFor({
    readOnlyPaths: [p('/usr'), p('/usr/local/share')], readWritePaths: [p('/usr/local'), p('/usr/local/lib')],
    temporaryFileSystem: [{ path: '/usr/lib', options: 'ro' }],
  }).map(show);
  assert.deepEqual(ops.filter((o) => o.startsWith('remount')), [
    'remount /usr -r {"readOnly":true} except /usr/local', 'remount /usr/lib {"readOnly":true}',
    'remount /usr/local/share -r {"readOnly":true}',
  ]);
});

test('readOnlyOps() leaves a writable entry alone when no parent is read-only', () => {
  const list = normalizeMountList(collectMountEntries({ settings: settings({ readWritePaths: [p('/srv')] }) }).entries, '/');
  assert.deepEqual(readOnlyOps(list, ctx), []);
});

test('ProtectSystem=strict: /tmp and /run stay under the read-only /, /home and the API file systems are spared', () => {
  const ops = opsFor({ protectSystem: 'strict' }).map(show);
  assert.deepEqual(ops.filter((o) => o.startsWith('remount')), ['remount / -r {"readOnly":true} except /dev,/home,/proc,/root,/run/user,/sys']);
});

test('a missing path with "-" is optional', () => {
  const ops = opsFor({ inaccessiblePaths: [p('-/nope')] }).map(show);
  // The helper's inaccessible node is read-only already: no remount follows.
  assert.deepEqual(ops, ['inaccessible /nope optional']);
});

test('TemporaryFileSystem= read-only is flipped after mounting, not recursively', () => {
  const ops = opsFor({ temporaryFileSystem: [{ path: '/x', options: 'ro' }] }).map(show);
  assert.deepEqual(ops, ['tmpfs /x 755', 'remount /x {"readOnly":true}']);
});

test('BindPaths= sources are host paths, destinations inside the root', () => {
  const ops = opsFor({ rootDirectory: '/r', mountAPIVFS: false, bindPaths: [{ source: '/srv/data', destination: '/data', ignoreMissing: false, recursive: true }] }, '/r');
  assert.deepEqual(ops.map(show), ['bind host:/srv/data /data']);
  assert.equal((ops[0] as Extract<Op, { kind: 'bind' }>).create, 'like-source');
});

test('NoExecPaths= spares ExecPaths= below it, which is flipped to exec itself', () => {
  const ops = opsFor({ noExecPaths: [p('/')], execPaths: [p('/usr')], readWritePaths: [p('/srv')] }).map(show);
  assert.ok(ops.includes('remount / -r {"noexec":true} except /srv,/usr'));
  assert.ok(ops.includes('remount /usr -r {"noexec":false}'));
});

test('privateDevOps() builds a tmpfs /dev with null, zero, full, random, urandom, tty', () => {
  const ops = privateDevOps();
  assert.equal(ops[0]?.kind, 'tmpfs');
  const nodes = ops.flatMap((o) => (o.kind === 'mknod' ? [o.path.path] : []));
  for (const n of ['null', 'zero', 'full', 'random', 'urandom', 'tty']) assert.ok(nodes.includes(`/dev/${n}`));
  assert.ok(!nodes.some((n) => /sd|nvme|mem|kmsg/.test(n)));
});

test('PrivateDevices= makes /dev read-only but not its submounts', () => {
  const ops = opsFor({ privateDevices: true }).map(show);
  assert.ok(ops.includes('remount /dev {"readOnly":true}'));
});

test('a writable or non-recursive entry below a read-only one is excluded from its flip, never flipped back', () => {
  const ops = opsFor({ protectSystem: 'strict', privateDevices: true, temporaryFileSystem: [{ path: '/var/cache', options: '' }] }).map(show);
  assert.ok(ops.includes('remount / -r {"readOnly":true} except /dev,/home,/proc,/root,/run/user,/sys,/var/cache'));
  assert.ok(ops.includes('remount /dev {"readOnly":true}'));
  assert.ok(!ops.some((o) => o.includes('"readOnly":false')));
});

test('ProtectProc= mounts a fresh /proc with hidepid', () => {
  const list = normalizeMountList(collectMountEntries({ settings: settings({ protectProc: 'invisible' }) }).entries, '/');
  const ops = mountListOps(list, { ...ctx, protectProc: 'invisible' });
  assert.deepEqual(ops, [{ kind: 'proc', target: { in: 'root', path: '/proc' }, flags: { nosuid: true, noexec: true, nodev: true }, hidepid: 'invisible' }]);
});
