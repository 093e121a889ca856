import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  collectMountEntries, dropBelowInaccessible, dropDuplicates, dropNop, dropOutsideRoot, needsMountNamespace,
  normalizeMountList, sortEntries,
} from '../../../src/sandbox/mount-list.js';
import type { MountEntry, MountMode } from '../../../src/sandbox/mount-entry.js';
import { p, settings } from './helpers.js';

const entry = (path: string, mode: MountMode, over: Partial<MountEntry> = {}): MountEntry => ({
  path, mode, ignoreMissing: false, readOnly: false, hasRootPrefix: true, origin: 'test', ...over,
});
const summary = (list: readonly MountEntry[]) => list.map((e) => `${e.path} ${e.mode}${e.readOnly ? ' ro' : ''}`);
const normalized = (over: Parameters<typeof settings>[0], root = '/') =>
  summary(normalizeMountList(collectMountEntries({ settings: settings(over), privateTmpDirs: { tmp: '/tmp/u/tmp', varTmp: '/tmp/u/var-tmp' } }).entries, root));

test('sortEntries() orders parents first, then by mode priority', () => {
  const sorted = sortEntries([entry('/a/b', 'read-write'), entry('/a', 'read-write'), entry('/a', 'inaccessible'), entry('/a', 'read-only')]);
  assert.deepEqual(summary(sorted), ['/a inaccessible', '/a read-only', '/a read-write', '/a/b read-write']);
});

test('dropDuplicates() keeps the first and carries a read-only flag over', () => {
  const out = dropDuplicates(sortEntries([entry('/x', 'bind', { source: '/s' }), entry('/x', 'read-only')]));
  assert.deepEqual(summary(out), ['/x bind ro']);
});

test('dropOutsideRoot() drops host paths outside RootDirectory=', () => {
  assert.deepEqual(summary(dropOutsideRoot([entry('/etc', 'read-only'), entry('/r/etc', 'read-only')], '/r')), ['/r/etc read-only']);
});

test('dropBelowInaccessible() hides everything listed below an inaccessible path', () => {
  const out = dropBelowInaccessible(sortEntries([entry('/a', 'inaccessible'), entry('/a/b', 'read-write'), entry('/a/b/c', 'bind'), entry('/ab', 'read-only')]));
  assert.deepEqual(summary(out), ['/a inaccessible', '/ab read-only']);
});

test('dropNop() drops an entry whose nearest parent has the same mode', () => {
  const out = dropNop(sortEntries([entry('/a', 'read-only'), entry('/a/b', 'read-only'), entry('/a/b/c', 'read-write')]));
  assert.deepEqual(summary(out), ['/a read-only', '/a/b/c read-write']);
});

test('the same path read-only and read-write ends read-only', () => {
  assert.deepEqual(normalized({ readOnlyPaths: [p('/srv')], readWritePaths: [p('/srv')] }), ['/srv read-only']);
});

test('inaccessible beats read-only on the same path', () => {
  assert.deepEqual(normalized({ readOnlyPaths: [p('/srv')], inaccessiblePaths: [p('/srv')] }), ['/srv inaccessible']);
});

test('ProtectSystem=strict makes / read-only and leaves API VFS and homes writable', () => {
  assert.deepEqual(normalized({ protectSystem: 'strict' }), [
    '/ read-only', '/dev read-write-implicit', '/home read-write-implicit', '/proc read-write-implicit',
    '/root read-write-implicit', '/run/user read-write-implicit', '/sys read-write-implicit',
  ]);
});

test('ProtectSystem=strict with ProtectHome=yes hides the homes', () => {
  const out = normalized({ protectSystem: 'strict', protectHome: 'yes' });
  assert.ok(out.includes('/home inaccessible'));
  assert.ok(out.includes('/root inaccessible'));
  assert.ok(out.includes('/run/user inaccessible'));
});

test('ProtectSystem=full covers /usr, /boot, /efi and /etc', () => {
  assert.deepEqual(normalized({ protectSystem: 'full' }), ['/boot read-only', '/efi read-only', '/etc read-only', '/usr read-only']);
});

test('ProtectHome=tmpfs mounts read-only empty tmpfs on the homes', () => {
  assert.deepEqual(normalized({ protectHome: 'tmpfs' }), ['/home tmpfs ro', '/root tmpfs ro', '/run/user tmpfs ro']);
});

test('ProtectControlGroups= wins over ProtectKernelTunables=\'s writable /sys/fs/cgroup', () => {
  const out = normalized({ protectKernelTunables: true, protectControlGroups: true });
  // Read-only like its parent /sys, so the no-op pass drops it: /sys's recursive flip covers it.
  assert.ok(out.includes('/sys read-only'));
  assert.ok(!out.includes('/sys/fs/cgroup read-write-implicit'));
});

test('RootDirectory= implies API VFS and makes un-prefixed paths host paths', () => {
  const out = normalized({ rootDirectory: '/r', readOnlyPaths: [p('/etc'), p('+/usr'), p('/r/opt')] }, '/r');
  assert.deepEqual(out, ['/r/dev bind-dev', '/r/opt read-only', '/r/proc procfs', '/r/run run', '/r/sys sysfs', '/r/usr read-only']);
});

test('MountAPIVFS=no overrides RootDirectory=\'s default', () => {
  assert.deepEqual(normalized({ rootDirectory: '/r', mountAPIVFS: false }, '/r'), []);
});

test('PrivateTmp= binds the unit\'s own /tmp and /var/tmp', () => {
  const list = normalizeMountList(collectMountEntries({ settings: settings({ privateTmp: true }), privateTmpDirs: { tmp: '/T/tmp', varTmp: '/T/vt' } }).entries, '/');
  assert.deepEqual(list.map((e) => [e.path, e.source]), [['/tmp', '/T/tmp'], ['/var/tmp', '/T/vt']]);
});

test('PrivateDevices= beats the API VFS /dev bind', () => {
  assert.ok(normalized({ rootDirectory: '/r', privateDevices: true }, '/r').includes('/r/dev private-dev'));
});

test('TemporaryFileSystem= options become tmpfs settings', () => {
  const { entries } = collectMountEntries({ settings: settings({ temporaryFileSystem: [{ path: '/x', options: '' }, { path: '/y', options: 'mode=0700,ro,size=1M' }] }) });
  assert.equal(entries[0]?.tmpfs?.mode, 0o755);
  assert.equal(entries[1]?.tmpfs?.mode, 0o700);
  assert.equal(entries[1]?.tmpfs?.sizeBytes, 1024 * 1024);
  assert.equal(entries[1]?.readOnly, true);
});

test('needsMountNamespace() is false for a plain service', () => {
  assert.equal(needsMountNamespace(settings()), false);
  assert.equal(needsMountNamespace(settings({ privateTmp: true })), true);
});
