import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  argumentFilters, lockPersonalityRules, memoryDenyWriteExecuteRules, restrictNamespacesRules, restrictRealtimeRules, restrictSuidSgidRules,
} from '../../../src/seccomp/arg-filters.js';
import { seccompPolicy } from '../../../src/sandbox/seccomp-policy.js';
import { defaultExecSettings } from '../../../src/unit/exec-settings.js';

const show = (rules: readonly { syscall: string; errno: number; checks: readonly { arg: number; op: string; value: number }[] }[]) =>
  rules.map((r) => `${r.syscall}${r.checks.map((c) => ` a${c.arg}${c.op === 'masked-eq' ? '&' : ` ${c.op} `}0x${c.value.toString(16)}`).join('')} -> ${r.errno}`);

test('restrictNamespacesRules(): nothing allowed blocks setns whole; clone3 is ENOSYS', () => {
  const rules = show(restrictNamespacesRules([], 'x86_64'));
  assert.equal(rules[0], 'setns -> 1');
  assert.equal(rules[1], 'clone3 -> 38');
  assert.ok(rules.includes('unshare a0&0x40000000 -> 1'));
  assert.ok(rules.includes('clone a0&0x10000000 -> 1'));
  assert.ok(!rules.some((r) => r.startsWith('setns a1')));
});

test('restrictNamespacesRules(): some allowed checks setns per type and type 0; s390 clone flags in a1', () => {
  const rules = show(restrictNamespacesRules(['net', 'uts'], 's390x'));
  assert.equal(rules[0], 'setns a1 eq 0x0 -> 1');
  assert.ok(rules.includes('setns a1&0x20000 -> 1'));
  assert.ok(rules.includes('clone a1&0x20000 -> 1'));
  assert.ok(!rules.some((r) => r.includes('0x40000000') || r.includes('0x4000000 ')));
  assert.deepEqual(restrictNamespacesRules(['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts'], 'x86_64'), []);
});

test('restrictRealtimeRules(): FIFO, RR and ISO refused one by one, everything above IDLE at once', () => {
  assert.deepEqual(show(restrictRealtimeRules()), [
    'sched_setscheduler a1 eq 0x1 -> 1', 'sched_setscheduler a1 eq 0x2 -> 1', 'sched_setscheduler a1 eq 0x4 -> 1',
    'sched_setscheduler a1 gt 0x5 -> 1',
  ]);
});

test('restrictSuidSgidRules(): open needs O_CREAT and the bit; openat2 is ENOSYS', () => {
  const rules = show(restrictSuidSgidRules());
  assert.ok(rules.includes('open a1&0x40 a2&0x800 -> 1'));
  assert.ok(rules.includes('openat a2&0x40 a3&0x400 -> 1'));
  assert.ok(rules.includes('fchmodat a2&0x800 -> 1'));
  assert.equal(rules[rules.length - 1], 'openat2 -> 38');
});

test('memoryDenyWriteExecuteRules(): per architecture, as systemd', () => {
  assert.deepEqual(show(memoryDenyWriteExecuteRules('x86_64')), [
    'mmap a2&0x6 -> 1', 'mprotect a2&0x4 -> 1', 'pkey_mprotect a2&0x4 -> 1', 'shmat a2&0x8000 -> 1',
  ]);
  assert.deepEqual(show(memoryDenyWriteExecuteRules('x86')), ['mmap2 a2&0x6 -> 1', 'mmap -> 1', 'mprotect a2&0x4 -> 1', 'pkey_mprotect a2&0x4 -> 1']);
  assert.deepEqual(memoryDenyWriteExecuteRules('mips'), []);
});

test('lockPersonalityRules() and argumentFilters() pick the programs a policy needs', () => {
  assert.deepEqual(show(lockPersonalityRules(0)), ['personality a0 ne 0x0 -> 1']);
  const policy = seccompPolicy({ ...defaultExecSettings, lockPersonality: true, restrictSUIDSGID: true, restrictNamespaces: ['net'] });
  assert.deepEqual(argumentFilters(policy!).map((f) => f.origin), ['RestrictNamespaces=', 'RestrictSUIDSGID=yes', 'LockPersonality=yes']);
});

test('seccompPolicy(): RestrictNamespaces=no (every type allowed) asks for no filter', () => {
  assert.equal(seccompPolicy({ ...defaultExecSettings, restrictNamespaces: ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts'] }), undefined);
});
