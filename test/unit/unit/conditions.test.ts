// evaluateConditions(): systemd 252's condition_test_list over facts given as data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCondition, evaluateConditions, type ConditionFacts, type PathFacts } from '../../../src/unit/conditions.js';
import { fnmatch } from '../../../src/unit/fnmatch.js';
import type { Condition, ConditionKind } from '../../../src/unit/settings.js';

const noPath: PathFacts = { exists: false, directory: false, symlink: false, mountPoint: false, readWrite: false, directoryNotEmpty: false, fileNotEmpty: false, executable: false };
const dir: PathFacts = { ...noPath, exists: true, directory: true, readWrite: true, directoryNotEmpty: true, mountPoint: true };
const facts = (more: Partial<ConditionFacts> = {}): ConditionFacts => ({
  paths: new Map([['/etc', dir], ['/nope', noPath], ['/ro', { ...dir, readWrite: false }]]),
  globs: new Map([['/etc/*.conf', true], ['/etc/*.nope', false]]),
  needsUpdate: new Map([['/etc', false], ['/var', true]]),
  container: 'none', vm: 'kvm', privateUsers: false,
  hostname: 'Build-01', machineId: '0123456789abcdef0123456789abcdef',
  kernelCommandLine: ['quiet', 'root=/dev/vda1', 'debug'],
  environment: ['PATH=/bin', 'MODE=prod'],
  uid: 0, euid: 0, gid: 0, egid: 0, groups: [0, 4],
  userIds: new Map([['root', 0], ['daemon', 1]]), groupIds: new Map([['adm', 4], ['staff', 50]]),
  userName: 'root', firstBoot: false,
  ...more,
});
const c = (kind: string, value: string, opts: { trigger?: boolean; negate?: boolean } = {}): Condition =>
  ({ kind: kind as ConditionKind, value, trigger: opts.trigger ?? false, negate: opts.negate ?? false });
const met = (list: Condition[], f = facts()): boolean => evaluateConditions(list, f).met;

test('evaluateConditions() with no conditions passes', () => {
  assert.equal(met([]), true);
});

test('evaluateConditions() tests paths, with ! inverting', () => {
  assert.equal(met([c('ConditionPathExists', '/etc')]), true);
  assert.equal(met([c('ConditionPathExists', '/nope')]), false);
  assert.equal(met([c('ConditionPathExists', '/nope', { negate: true })]), true);
  assert.equal(met([c('ConditionPathIsDirectory', '/etc'), c('ConditionDirectoryNotEmpty', '/etc'), c('ConditionPathIsMountPoint', '/etc')]), true);
  assert.equal(met([c('ConditionPathIsReadWrite', '/ro')]), false);
  assert.equal(met([c('ConditionPathIsReadWrite', '/nope')]), false, 'a missing path is not read-write');
  assert.equal(met([c('ConditionFileNotEmpty', '/etc')]), false, 'a directory is not a non-empty file');
  assert.equal(met([c('AssertPathExistsGlob', '/etc/*.conf')]), true);
  assert.equal(met([c('ConditionPathExistsGlob', '/etc/*.nope')]), false);
  assert.equal(met([c('ConditionNeedsUpdate', '/var')]), true);
  assert.equal(met([c('ConditionNeedsUpdate', '/etc')]), false);
});

test('evaluateConditions(): every non-triggering condition must pass, and one triggering one if there are any', () => {
  const list = [c('ConditionPathExists', '/nope', { trigger: true }), c('ConditionPathExists', '/etc', { trigger: true })];
  assert.equal(met(list), true);
  const none = evaluateConditions([c('ConditionPathExists', '/nope', { trigger: true }), c('ConditionHost', 'x', { trigger: true })], facts());
  assert.equal(none.met, false);
  assert.equal(none.failed && describeCondition(none.failed), 'ConditionPathExists=|/nope', 'the first failed check is the one named');
  const mixed = evaluateConditions([c('ConditionPathExists', '/etc', { trigger: true }), c('ConditionPathExists', '/nope')], facts());
  assert.equal(mixed.met, false, 'a triggering one that passes does not excuse a failing plain one');
  assert.equal(mixed.failed && describeCondition(mixed.failed), 'ConditionPathExists=/nope');
  assert.equal(describeCondition(c('ConditionPathExists', '/x', { trigger: true, negate: true })), 'ConditionPathExists=|!/x');
});

test('evaluateConditions(): Virtualization, Host, KernelCommandLine, Environment, User, Group, FirstBoot', () => {
  assert.equal(met([c('ConditionVirtualization', 'vm')]), true);
  assert.equal(met([c('ConditionVirtualization', 'yes')]), true);
  assert.equal(met([c('ConditionVirtualization', 'container')]), false);
  assert.equal(met([c('ConditionVirtualization', 'kvm')]), true);
  assert.equal(met([c('ConditionVirtualization', 'nsbox')], facts({ container: 'nsbox' })), true);
  assert.equal(met([c('ConditionVirtualization', 'vm')], facts({ container: 'nsbox' })), false, 'a container is not a vm, even on one');
  assert.equal(met([c('ConditionVirtualization', 'no')], facts({ vm: 'none' })), true);
  assert.equal(met([c('ConditionHost', 'build-*')]), true, 'hostname globs fold case');
  assert.equal(met([c('ConditionHost', '0123456789ABCDEF0123456789ABCDEF')]), true, 'or a machine id');
  assert.equal(met([c('ConditionHost', 'other')]), false);
  assert.equal(met([c('ConditionKernelCommandLine', 'root')]), true, 'a bare name matches NAME=…');
  assert.equal(met([c('ConditionKernelCommandLine', 'root=/dev/vda2')]), false);
  assert.equal(met([c('ConditionKernelCommandLine', 'debug')]), true);
  assert.equal(met([c('ConditionKernelCommandLine', 'qui')]), false, 'words, not prefixes');
  assert.equal(met([c('ConditionEnvironment', 'MODE')]), true);
  assert.equal(met([c('ConditionEnvironment', 'MODE=dev')]), false);
  assert.equal(met([c('ConditionUser', 'root'), c('ConditionUser', '0'), c('ConditionUser', '@system')]), true);
  assert.equal(met([c('ConditionUser', 'daemon')]), false);
  assert.equal(met([c('ConditionGroup', 'adm'), c('ConditionGroup', '0')]), true, 'supplementary groups count');
  assert.equal(met([c('ConditionGroup', 'staff')]), false);
  assert.equal(met([c('ConditionGroup', 'nosuchgroup')]), false);
  assert.equal(met([c('ConditionFirstBoot', 'no')]), true);
  assert.equal(met([c('ConditionFirstBoot', 'yes')]), false);
});

test('evaluateConditions(): kinds nsbox does not evaluate pass and are marked', () => {
  const r = evaluateConditions([c('ConditionACPower', 'true')], facts());
  assert.equal(r.met, true);
  assert.equal(r.outcomes[0]?.unsupported, true);
});

test('fnmatch() matches one name: * ? [..] [!..]', () => {
  assert.equal(fnmatch('*.conf', 'a.conf'), true);
  assert.equal(fnmatch('?.conf', 'ab.conf'), false);
  assert.equal(fnmatch('[ab].c', 'b.c'), true);
  assert.equal(fnmatch('[!ab].c', 'b.c'), false);
  assert.equal(fnmatch('A*', 'abc'), false);
  assert.equal(fnmatch('A*', 'abc', true), true);
});
