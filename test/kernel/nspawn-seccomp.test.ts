// --system-call-filter= / SystemCallFilter= and --suppress-sync= / SuppressSync=, seen from inside
// a busybox container by the seccomp probe (one system call per check, its errno printed), each
// side by side with systemd-nspawn 252 running the same probe with the same options on the same
// tree. keyctl (@keyring) and modify_ldt (@cpu-emulation) need no capability and are not on
// nspawn's default allow list; getcpu and fsync are.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { buildSeccompProbe, parseProbe } from '../fixtures/seccomp-probe.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { inBox } from './nspawn-cli.js';
import { sideBySide } from './nspawn-reference.js';

const EPERM = 1;
const EBADF = 9;
const EINVAL = 22;
const ENOSYS = 38;
const FILTER_CHECKS = 'keyctl modify-ldt getcpu fsync';

describe('nsbox nspawn system-call filter options', { skip: needsRoot }, () => {
  let dir: string;
  let tree: BusyboxTree;
  let file: string;
  let snapshot: Snapshot;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nsbox-seccomp-'));
    // The tree's parent is ours alone, so BOX.nspawn beside it (an untrusted file) is too.
    tree = makeBusyboxTree(`${basename(dir)}/box-`);
    file = join(dir, `${basename(tree.root)}.nspawn`);
    buildSeccompProbe(join(tree.root, 'bin/probe'));
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [dir] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    rmSync(dir, { recursive: true, force: true });
  });

  const probe = async (checks: string, options: readonly string[]) => parseProbe(await sideBySide(tree.root, `probe ${checks}`, options));

  test('--system-call-filter=: allow words join the allow list, ~words are denied with EPERM, over several options', async () => {
    assert.deepEqual(await probe(FILTER_CHECKS, []), { keyctl: EPERM, 'modify-ldt': EPERM, getcpu: 0, fsync: 0 });
    assert.deepEqual(await probe(FILTER_CHECKS, ['--system-call-filter=keyctl @cpu-emulation']), { keyctl: 0, 'modify-ldt': 0, getcpu: 0, fsync: 0 });
    assert.deepEqual(await probe(FILTER_CHECKS, ['--system-call-filter=~getcpu', '--system-call-filter=~@sync']), { keyctl: EPERM, 'modify-ldt': EPERM, getcpu: EPERM, fsync: EPERM });
  });

  test('--system-call-filter=: a denied name wins over an allowed group in either order; a denied group does not stop a name allowed by itself', async () => {
    assert.equal((await probe('keyctl', ['--system-call-filter=@keyring', '--system-call-filter=~keyctl'])).keyctl, EPERM);
    assert.equal((await probe('keyctl', ['--system-call-filter=~keyctl', '--system-call-filter=@keyring'])).keyctl, EPERM);
    assert.equal((await probe('keyctl', ['--system-call-filter=~@keyring', '--system-call-filter=keyctl'])).keyctl, 0);
  });

  test('--system-call-filter=@unknown-group: nsbox refuses to start (nspawn warns and ignores it)', async () => {
    const r = await inBox(tree.root, 'true', ['--system-call-filter=@no-such-group']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown system call group @no-such-group/);
  });

  const SYNC_CHECKS = 'fsync fdatasync syncfs sync msync-bad fsync-closedfd sync-file-range-closedfd fsync-badfd syncfs-badfd open-sync open-dsync openat-sync openat-plain openat2';

  test('--suppress-sync=yes: the @sync calls return 0 without running (on a closed fd too, not on fd -1), O_SYNC/O_DSYNC opens EINVAL, openat2 ENOSYS', async () => {
    const off = await probe(SYNC_CHECKS, ['--suppress-sync=no']);
    assert.equal(off['fsync-closedfd'], EBADF, 'without it the kernel runs fsync');
    assert.equal(off['open-sync'], 0);
    const on = await probe(SYNC_CHECKS, ['--suppress-sync=yes']);
    assert.deepEqual(on, {
      fsync: 0, fdatasync: 0, syncfs: 0, sync: 0, 'msync-bad': 0, 'fsync-closedfd': 0, 'sync-file-range-closedfd': 0,
      'fsync-badfd': EBADF, 'syncfs-badfd': EBADF,
      'open-sync': EINVAL, 'open-dsync': EINVAL, 'openat-sync': EINVAL, 'openat-plain': 0, openat2: ENOSYS,
    });
  });

  test('--suppress-sync=yes wins over a denied @sync, as nspawn loads it last; SuppressSync= applies from an untrusted file', async () => {
    // fd -1 is left to the filter below, which denies it.
    assert.deepEqual(await probe('fsync fsync-badfd open-dsync', ['--suppress-sync=yes', '--system-call-filter=~@sync']), { fsync: 0, 'fsync-badfd': EPERM, 'open-dsync': EINVAL });
    try {
      writeFileSync(file, '[Exec]\nSuppressSync=yes\n');
      assert.deepEqual(await probe('fsync-closedfd open-sync', []), { 'fsync-closedfd': 0, 'open-sync': EINVAL });
    } finally {
      rmSync(file, { force: true });
    }
  });

  test('SystemCallFilter= in an untrusted file: a deny list applies, an allow list is lost with nspawn\'s warning', async () => {
    try {
      writeFileSync(file, '[Exec]\nSystemCallFilter=~getcpu\n');
      assert.deepEqual(await probe('keyctl getcpu', []), { keyctl: EPERM, getcpu: EPERM });
      writeFileSync(file, '[Exec]\nSystemCallFilter=keyctl\nSystemCallFilter=~getcpu\n');
      assert.deepEqual(await probe('keyctl getcpu', []), { keyctl: EPERM, getcpu: 0 });
      const r = await inBox(tree.root, 'probe keyctl', []);
      assert.match(r.stderr, /Ignoring SystemCallFilter= settings, file .* is not trusted\./);
      assert.deepEqual(await probe('keyctl getcpu', ['--settings=trusted']), { keyctl: 0, getcpu: EPERM });
    } finally {
      rmSync(file, { force: true });
    }
  });
});
