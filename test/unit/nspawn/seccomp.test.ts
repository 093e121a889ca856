// --system-call-filter= and SystemCallFilter=: how the words reach nspawn's filter. The outcomes
// are systemd-nspawn 252's, seen with the seccomp probe on a busybox tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { nspawnSeccompPolicy, nspawnSyscallAllowList, parseSystemCallFilter } from '../../../src/nspawn/seccomp.js';
import { expandSkipping } from '../../../src/seccomp/filter-set.js';
import { apply, cli, FILE, TRUSTED, UNTRUSTED } from './settings-fixtures.js';

const lists = (o: { systemCallAllow: readonly string[]; systemCallDeny: readonly string[] }) => ({ allow: o.systemCallAllow, deny: o.systemCallDeny });

test('parseSystemCallFilter(): ~ first makes a deny list; words split at whitespace, quotes kept', () => {
  assert.deepEqual(parseSystemCallFilter('keyctl  @cpu-emulation'), { deny: false, names: ['keyctl', '@cpu-emulation'] });
  assert.deepEqual(parseSystemCallFilter('~@sync getcpu'), { deny: true, names: ['@sync', 'getcpu'] });
  // Only the first character counts: this is an allow list with an (unknown) name "~keyctl".
  assert.deepEqual(parseSystemCallFilter('@keyring ~keyctl'), { deny: false, names: ['@keyring', '~keyctl'] });
  assert.deepEqual(parseSystemCallFilter('"@clock"'), { deny: false, names: ['"@clock"'] });
  assert.deepEqual(parseSystemCallFilter(''), { deny: false, names: [] });
  assert.deepEqual(parseSystemCallFilter('~'), { deny: true, names: [] });
});

test('--system-call-filter= adds to both lists over several options, whatever their order', () => {
  const o = parseNspawnArgs(['-D', '/t', '--system-call-filter=keyctl', '--system-call-filter=~getcpu fsync', '--system-call-filter=', '--system-call-filter', '@cpu-emulation']);
  assert.deepEqual(lists(o), { allow: ['keyctl', '@cpu-emulation'], deny: ['getcpu', 'fsync'] });
  assert.ok(o.fixedByCommandLine.includes('syscall-filter'));
});

test("nspawnSeccompPolicy(): the user's allow list joins nspawn's; the deny list is what the compiler skips", () => {
  const p = nspawnSeccompPolicy([], { allow: ['keyctl', 'uname'], deny: ['getcpu'] });
  assert.deepEqual(p.filter, [{ invert: false, names: [...nspawnSyscallAllowList([]), 'keyctl'] }]);
  assert.deepEqual(p.skip, ['getcpu']);
  assert.deepEqual(p.defaultAction, { kind: 'errno', errno: 1 });
  assert.equal(p.suppressSync, false);
});

test('expandSkipping(): a skipped name or @group is left out where the expansion meets it, not its members named elsewhere', () => {
  const base = nspawnSyscallAllowList([]);
  const plain = expandSkipping(base, []);
  assert.ok(plain.has('fsync') && plain.has('getcpu') && plain.has('execve'));
  assert.ok(!plain.has('keyctl'));
  const noSync = expandSkipping(base, ['@sync']);
  assert.ok(!noSync.has('fsync') && !noSync.has('syncfs'));
  // `close` is in @file-system and in @basic-io: skipping one group leaves it to the other.
  assert.ok(expandSkipping(base, ['@file-system']).has('close'));
  assert.ok(!expandSkipping(base, ['@file-system']).has('openat'));
  // ~@keyring does not stop keyctl named by itself; ~keyctl stops it inside @keyring.
  assert.ok(expandSkipping([...base, 'keyctl'], ['@keyring']).has('keyctl'));
  assert.ok(!expandSkipping([...base, '@keyring'], ['keyctl']).has('keyctl'));
  assert.ok(expandSkipping([...base, '@keyring'], ['keyctl']).has('add_key'));
  // No @default is implied: skipping it takes execve away (nspawn then fails to exec).
  assert.ok(!expandSkipping(base, ['@default']).has('execve'));
  assert.throws(() => expandSkipping([...base, '@no-such-group'], []), { code: 'UNKNOWN_SYSCALL_GROUP' });
  assert.throws(() => expandSkipping(base, ['@no-such-group']), { code: 'UNKNOWN_SYSCALL_GROUP' });
});

test('SystemCallFilter=: lines add to the lists, an empty one changes nothing', () => {
  const { options } = apply('[Exec]\nSystemCallFilter=keyctl\nSystemCallFilter=\nSystemCallFilter=~getcpu\nSystemCallFilter=modify_ldt\n', cli(), TRUSTED);
  assert.deepEqual(lists(options), { allow: ['keyctl', 'modify_ldt'], deny: ['getcpu'] });
});

test('SystemCallFilter= untrusted: an allow list is lost with nspawn\'s warning and takes the deny list along; a deny list alone applies', () => {
  const both = apply('[Exec]\nSystemCallFilter=keyctl\nSystemCallFilter=~getcpu\n', cli(), UNTRUSTED);
  assert.deepEqual(lists(both.options), { allow: [], deny: [] });
  assert.deepEqual(both.warnings, [`Ignoring SystemCallFilter= settings, file ${FILE} is not trusted.`]);
  const deny = apply('[Exec]\nSystemCallFilter=~getcpu\n', cli(), UNTRUSTED);
  assert.deepEqual(lists(deny.options), { allow: [], deny: ['getcpu'] });
  assert.deepEqual(deny.warnings, []);
});

test('--system-call-filter= keeps every SystemCallFilter= line away; --settings=override lets them win', () => {
  const file = '[Exec]\nSystemCallFilter=~getcpu\nSystemCallFilter=modify_ldt\n';
  assert.deepEqual(lists(apply(file, cli('--system-call-filter=keyctl'), TRUSTED).options), { allow: ['keyctl'], deny: [] });
  assert.deepEqual(lists(apply(file, cli('--system-call-filter=keyctl'), { trusted: true, override: true }).options), { allow: ['modify_ldt'], deny: ['getcpu'] });
  // A file without the key leaves the command line's lists alone even then.
  assert.deepEqual(lists(apply('[Exec]\nHostname=x\n', cli('--system-call-filter=keyctl'), { trusted: true, override: true }).options), { allow: ['keyctl'], deny: [] });
});

test('--suppress-sync= and SuppressSync=: a boolean reaching the policy; the command line wins; not privileged', () => {
  assert.equal(parseNspawnArgs(['-D', '/t']).suppressSync, false);
  const o = parseNspawnArgs(['-D', '/t', '--suppress-sync=yes']);
  assert.equal(o.suppressSync, true);
  assert.ok(o.fixedByCommandLine.includes('suppress-sync'));
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--suppress-sync=maybe']), { code: 'NSPAWN_USAGE', message: '--suppress-sync: expects a boolean, got "maybe"' });
  assert.equal(nspawnSeccompPolicy([], { allow: [], deny: [] }, true).suppressSync, true);
  assert.equal(apply('[Exec]\nSuppressSync=yes\n', cli(), UNTRUSTED).options.suppressSync, true);
  assert.deepEqual(apply('[Exec]\nSuppressSync=yes\n', cli(), UNTRUSTED).warnings, []);
  assert.equal(apply('[Exec]\nSuppressSync=yes\n', cli('--suppress-sync=no')).options.suppressSync, false);
  const bad = apply('[Exec]\nSuppressSync=often\n');
  assert.equal(bad.options.suppressSync, false);
  assert.deepEqual(bad.warnings, [`${FILE}:2: Failed to parse boolean value for SuppressSync=, ignoring: often`]);
});
