import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandSyscallNames, UnknownSyscallGroupError } from '../../../src/seccomp/groups.js';
import { foldFilterLines } from '../../../src/seccomp/filter-set.js';

test('expandSyscallNames() expands nested groups', () => {
  const calls = expandSyscallNames('@system-service');
  assert.ok(calls.includes('read'));
  assert.ok(calls.includes('execve'));
  assert.ok(!calls.includes('mount'));
  assert.throws(() => expandSyscallNames('@nope'), UnknownSyscallGroupError);
});

test('foldFilterLines(): an allow list starts from @default and ~lines take away', () => {
  const set = foldFilterLines([{ invert: false, names: ['@system-service'] }, { invert: true, names: ['@setuid'] }]);
  assert.equal(set?.allowList, true);
  assert.ok(set?.calls.has('exit_group'));
  assert.ok(!set?.calls.has('setuid'));
});

test('foldFilterLines(): a deny list keeps per-line errno actions and later allow lines remove', () => {
  const set = foldFilterLines([{ invert: true, names: ['@mount'], action: { kind: 'errno', errno: 1 } }, { invert: false, names: ['chroot'] }]);
  assert.equal(set?.allowList, false);
  assert.deepEqual(set?.calls.get('mount'), { kind: 'errno', errno: 1 });
  assert.ok(!set?.calls.has('chroot'));
});
