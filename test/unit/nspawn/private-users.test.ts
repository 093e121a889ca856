import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import {
  effectiveOwnership, parseOwnership, parsePrivateUsers, pickCandidates, PICK_MAX, PICK_MIN, RANGE_SIZE, rangeOfOwner, userNamespaceOps,
} from '../../../src/nspawn/private-users.js';
import { hostPath, rootPath, type Op } from '../../../src/plan/types.js';
import { apply, cli, UNTRUSTED } from './settings-fixtures.js';

test('--private-users= values as nspawn 252 parses them (numbers are ranges, never booleans)', () => {
  assert.deepEqual(parsePrivateUsers('--private-users', ''), { mode: 'from-tree' });
  assert.deepEqual(parsePrivateUsers('--private-users', 'yes'), { mode: 'from-tree' });
  assert.deepEqual(parsePrivateUsers('--private-users', 'no'), { mode: 'no' });
  assert.deepEqual(parsePrivateUsers('--private-users', 'pick'), { mode: 'pick' });
  assert.deepEqual(parsePrivateUsers('--private-users', 'identity'), { mode: 'fixed', base: 0, count: 65536 });
  assert.deepEqual(parsePrivateUsers('--private-users', '0'), { mode: 'fixed', base: 0, count: 65536 });
  assert.deepEqual(parsePrivateUsers('--private-users', '1'), { mode: 'fixed', base: 1, count: 65536 });
  assert.deepEqual(parsePrivateUsers('--private-users', '70000:5'), { mode: 'fixed', base: 70000, count: 5 });
  assert.throws(() => parsePrivateUsers('--private-users', '0:0'), { code: 'NSPAWN_USAGE' });
  assert.throws(() => parsePrivateUsers('--private-users', '4294967295:2'), { code: 'NSPAWN_USAGE' });
  assert.throws(() => parsePrivateUsers('--private-users', 'bogus'), { code: 'NSPAWN_USAGE', message: /expects yes, no, pick, identity or UID\[:COUNT\]/ });
  assert.throws(() => parseOwnership('--private-users-ownership', 'bogus'), { code: 'NSPAWN_USAGE' });
});

test('-U is pick + auto; pick alone implies auto, every other mode off; --private-users-chown is chown', () => {
  const u = parseNspawnArgs(['-D', '/t', '-U']);
  assert.deepEqual(u.privateUsers, { mode: 'pick' });
  assert.equal(effectiveOwnership(u.privateUsers, u.privateUsersOwnership), 'auto');
  const pick = parseNspawnArgs(['-D', '/t', '--private-users=pick']);
  assert.equal(effectiveOwnership(pick.privateUsers, pick.privateUsersOwnership), 'auto');
  const yes = parseNspawnArgs(['-D', '/t', '--private-users']);
  assert.equal(effectiveOwnership(yes.privateUsers, yes.privateUsersOwnership), 'off');
  const chown = parseNspawnArgs(['-D', '/t', '--private-users=0', '--private-users-chown']);
  assert.equal(effectiveOwnership(chown.privateUsers, chown.privateUsersOwnership), 'chown');
  // -U keeps an ownership given before it, as nspawn does.
  const kept = parseNspawnArgs(['-D', '/t', '--private-users-ownership=off', '-U']);
  assert.equal(kept.privateUsersOwnership, 'off');
  assert.equal(effectiveOwnership({ mode: 'no' }, 'chown'), 'off');
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--U']), { code: 'NSPAWN_USAGE' });
});

test("pick tries the tree owner's range first, then a range hashed from the machine name, all 0x10000-aligned in nspawn's window", () => {
  const owned = pickCandidates(0x00500000, 'box');
  assert.equal(owned[0], 0x00500000);
  assert.equal(new Set(owned).size, owned.length);
  assert.equal(owned.length, (PICK_MAX - PICK_MIN) / RANGE_SIZE + 1);
  for (const base of owned) assert.ok(base % RANGE_SIZE === 0 && base >= PICK_MIN && base <= PICK_MAX);
  // A root-owned tree (or one owned outside the window, or unaligned) names no range.
  assert.equal(rangeOfOwner(0), undefined);
  assert.equal(rangeOfOwner(0x00500001), undefined);
  assert.equal(rangeOfOwner(0x70000000), undefined);
  assert.deepEqual(pickCandidates(0, 'box'), pickCandidates(0, 'box'), 'the same name hashes to the same range');
  assert.notEqual(pickCandidates(0, 'box')[0], pickCandidates(0, 'other')[0]);
});

test('inside a user namespace: /dev nodes are the host\'s bound, /sys is bound without a network namespace, devpts loses an unmapped gid', () => {
  const ops: Op[] = [
    { kind: 'sysfs', target: rootPath('/sys'), flags: { readOnly: true } },
    { kind: 'mknod', path: rootPath('/dev/null'), type: 'char', major: 1, minor: 3, mode: 0o666 },
    { kind: 'chmod', path: rootPath('/dev/null'), mode: 0o666 },
    { kind: 'mknod', path: rootPath('/run/host/inaccessible/chr'), type: 'char', major: 0, minor: 0, mode: 0 },
    { kind: 'mknod', path: rootPath('/run/host/inaccessible/blk'), type: 'block', major: 0, minor: 0, mode: 0 },
    { kind: 'mknod', path: rootPath('/run/host/inaccessible/fifo'), type: 'fifo', major: 0, minor: 0, mode: 0 },
    { kind: 'devpts', target: rootPath('/dev/pts'), ptmxMode: 0o666, mode: 0o620, gid: 5, flags: {} },
  ];
  const out = userNamespaceOps(ops, false, 5);
  assert.deepEqual(out, [
    { kind: 'bind', source: hostPath('/sys'), target: rootPath('/sys'), recursive: true, flags: { readOnly: true }, optional: false, create: 'no' },
    { kind: 'bind', source: hostPath('/dev/null'), target: rootPath('/dev/null'), recursive: false, flags: { nosuid: true, noexec: true }, optional: false, create: 'file' },
    ops[3], ops[5],
    { kind: 'devpts', target: rootPath('/dev/pts'), ptmxMode: 0o666, mode: 0o620, flags: {} },
  ]);
  // With a network namespace of its own, sysfs is mounted afresh; a full range maps tty's gid.
  const withNet = userNamespaceOps(ops, true, 65536);
  assert.deepEqual(withNet[0], ops[0]);
  assert.deepEqual(withNet.at(-1), ops[6]);
});

test('PrivateUsers=, PrivateUsersOwnership=, PrivateUsersChown= in a .nspawn file: privileged, and as on the command line', () => {
  const trusted = apply('[Exec]\nPrivateUsers=pick\n[Files]\nPrivateUsersOwnership=chown\n');
  assert.deepEqual(trusted.options.privateUsers, { mode: 'pick' });
  assert.equal(trusted.options.privateUsersOwnership, 'chown');
  const chown = apply('[Exec]\nPrivateUsers=1000000\n[Files]\nPrivateUsersChown=yes\n');
  assert.deepEqual(chown.options.privateUsers, { mode: 'fixed', base: 1000000, count: 65536 });
  assert.equal(chown.options.privateUsersOwnership, 'chown');
  // The command line wins; an untrusted file loses the keys with nspawn's warning.
  assert.deepEqual(apply('[Exec]\nPrivateUsers=pick\n', cli('--private-users=no')).options.privateUsers, { mode: 'no' });
  const untrusted = apply('[Exec]\nPrivateUsers=pick\n', cli(), UNTRUSTED);
  assert.deepEqual(untrusted.options.privateUsers, { mode: 'no' });
  assert.match(untrusted.warnings.join('\n'), /Ignoring PrivateUsers= and PrivateUsersChown= settings/);
  // A bad value is ignored with a warning, as nspawn does.
  const bad = apply('[Exec]\nPrivateUsers=bogus\n');
  assert.deepEqual(bad.options.privateUsers, { mode: 'no' });
  assert.match(bad.warnings.join('\n'), /PrivateUsers=bogus|ignoring: bogus/);
});
