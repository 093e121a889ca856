// User namespaces for `nsbox nspawn` (-U, --private-users=, --private-users-ownership=): issue
// 8's last escapes performed from inside and failing, the ranges two running containers get,
// the range lock a killed container leaves, the view from inside compared with systemd-nspawn -U,
// binds, overlays, --volatile and -x, and nothing left behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, join } from 'node:path';
import { makeBusyboxTree, mergeUsr, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { REACH_PROBE_SCRIPT, parseReachProbe, reachViolations } from '../fixtures/reach-probe.js';
import { inBox, startNsbox } from './nspawn-cli.js';
import { haveNspawn, nspawn } from './nspawn-reference.js';
import { removeCgroupTree } from '../../src/cgroups/container.js';
import { PICK_MAX, PICK_MIN, RANGE_SIZE } from '../../src/nspawn/private-users.js';
import { chooseRange, UID_RANGE_LOCK_DIR } from '../../src/machines/uid-range.js';
import { copyDebianTree, type TreeCopy } from '../fixtures/debian-tree.js';
import { enter, waitForSystemd } from './boot-helpers.js';

/**
 * Issue 8's attacks on a host whose container root is host root: a sysctl of the whole host
 * behind the /proc/sys bind, and the release_agent of a v1 hierarchy mounted afresh (where the
 * container's cgroup namespace is that hierarchy's root, CVE-2022-0492). Files are only opened
 * for writing, never written.
 */
const ATTACK_SCRIPT = String.raw`
umount -l /proc/sys 2>/dev/null
if (exec 3>>/proc/sys/kernel/core_pattern) 2>/dev/null; then echo core_pattern=open; else echo core_pattern=refused; fi
for c in pids cpu freezer blkio cpuset devices memory; do
  mkdir -p /tmp/cg-$c
  mount -t cgroup -o $c none /tmp/cg-$c 2>/dev/null || { echo "$c mount=refused"; continue; }
  [ -e /tmp/cg-$c/release_agent ] || { echo "$c release_agent=absent"; continue; }
  if (exec 3>>/tmp/cg-$c/release_agent) 2>/dev/null; then echo "$c release_agent=open"; else echo "$c release_agent=refused"; fi
done
`;

const uidMapOf = (out: string): { inside: number; outside: number; count: number } => {
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(out);
  assert.ok(m, `no uid_map line in ${out}`);
  return { inside: Number(m[1]), outside: Number(m[2]), count: Number(m[3]) };
};

const lockFiles = (): string[] => (existsSync(UID_RANGE_LOCK_DIR) ? readdirSync(UID_RANGE_LOCK_DIR) : []);

/** This process's own cgroup directory in the hierarchies a container's cgroups are made in. */
function ownCgroupDirs(): string[] {
  const mounts: Record<string, string> = { 'name=systemd': '/sys/fs/cgroup/systemd', '': '/sys/fs/cgroup/unified', devices: '/sys/fs/cgroup/devices' };
  const dirs: string[] = [];
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, controllers = '', path = '/'] = line.split(':');
    const mount = mounts[controllers];
    // cgroup2-only hosts: the single hierarchy is /sys/fs/cgroup itself.
    if (mount !== undefined) dirs.push(join(existsSync(mount) ? mount : '/sys/fs/cgroup', path));
  }
  return dirs;
}

describe('user namespaces (-U)', { skip: needsRoot, timeout: 300_000 }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  let locksBefore: string[];
  before(() => {
    tree = makeBusyboxTree('nsbox-userns-');
    chownSync(join(tree.root, 'home/tester'), 1000, 1000);
    locksBefore = lockFiles();
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    assert.deepEqual(lockFiles().filter((f) => !locksBefore.includes(f)), [], 'range locks left behind');
    tree.remove();
  });

  test("issue 8's attacks fail under -U: core_pattern behind /proc/sys, a v1 hierarchy's release_agent", async () => {
    const plain = await inBox(tree.root, ATTACK_SCRIPT);
    assert.equal(plain.code, 0, plain.stderr);
    // The attack is real: without a user namespace (as under nspawn without -U) it gets through.
    assert.match(plain.stdout, /core_pattern=open/, plain.stdout);
    assert.match(plain.stdout, /release_agent=open/, plain.stdout);
    const r = await inBox(tree.root, ATTACK_SCRIPT, ['-U']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /core_pattern=refused/, r.stdout);
    assert.doesNotMatch(r.stdout, /=open/, r.stdout);
    // At least one hierarchy was mounted with its release_agent there: the refusal is the kernel's
    // answer to an unprivileged root, not a missing file.
    assert.match(r.stdout, /release_agent=refused/, r.stdout);
  });

  test('-U: root inside is a 65536-id range of the pick window outside; the tree is idmapped (ext4), or chowned when asked, and root-owned inside either way', async () => {
    const r = await inBox(tree.root, 'cat /proc/self/uid_map /proc/self/gid_map; ls -lnd / /bin/busybox /home/tester /etc/passwd | awk \'{print $3, $4, $NF}\'; id -u');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s*0\s+0\s+4294967295\s*$/m, 'no user namespace without -U');
    const u = await inBox(tree.root, 'cat /proc/self/uid_map /proc/self/gid_map; ls -lnd / /bin/busybox /home/tester /etc/passwd | awk \'{print $3, $4, $NF}\'; id -u', ['-U']);
    assert.equal(u.code, 0, u.stderr);
    const map = uidMapOf(u.stdout);
    assert.equal(map.inside, 0);
    assert.equal(map.count, RANGE_SIZE);
    assert.equal(map.outside % RANGE_SIZE, 0);
    assert.ok(map.outside >= PICK_MIN && map.outside <= PICK_MAX, `${map.outside} outside the pick window`);
    assert.equal(u.stdout.split('\n').filter((l) => /^\s*0\s+\d+\s+65536/.test(l)).length, 2, 'gids mapped as uids');
    assert.match(u.stdout, /^0 0 \/\n0 0 \/bin\/busybox\n0 0 \/etc\/passwd\n1000 1000 \/home\/tester\n0$/m);
    // auto on ext4 with an unshifted tree: an idmapped root, the tree on disk untouched.
    assert.equal(lstatSync(tree.root).uid, 0);
    assert.equal(lstatSync(join(tree.root, 'home/tester')).uid, 1000);
    const chowned = await inBox(tree.root, 'cat /proc/self/uid_map; ls -lnd /home/tester | awk \'{print $3}\'', ['-U', '--private-users-ownership=chown']);
    assert.equal(chowned.code, 0, chowned.stderr);
    const shift = uidMapOf(chowned.stdout).outside;
    assert.match(chowned.stdout, /\n1000\n$/);
    // On the host the shift is recorded in the root directory's owner, as nspawn's chown does.
    assert.equal(lstatSync(tree.root).uid, shift);
    assert.equal(lstatSync(join(tree.root, 'home/tester')).uid, shift + 1000);
    // pick finds the tree's range again (no lock on it), and auto then has nothing to do.
    const again = await inBox(tree.root, 'cat /proc/self/uid_map; ls -lnd / | awk \'{print $3}\'', ['-U']);
    assert.equal(uidMapOf(again.stdout).outside, shift);
    assert.match(again.stdout, /\n0\n$/);
  });

  test('--private-users=0 --private-users-ownership=chown undoes the shift; identity maps 0:65536; UID:COUNT as given', async () => {
    const back = await inBox(tree.root, 'cat /proc/self/uid_map', ['--private-users=0', '--private-users-ownership=chown']);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(uidMapOf(back.stdout), { inside: 0, outside: 0, count: RANGE_SIZE });
    assert.equal(lstatSync(tree.root).uid, 0);
    assert.equal(lstatSync(join(tree.root, 'home/tester')).uid, 1000);
    const identity = await inBox(tree.root, 'cat /proc/self/uid_map', ['--private-users=identity']);
    assert.equal(identity.code, 0, identity.stderr);
    assert.deepEqual(uidMapOf(identity.stdout), { inside: 0, outside: 0, count: RANGE_SIZE });
    // The tree is not the range's: nothing may be written into it from inside (nspawn copies
    // resolv.conf from outside; nsbox writes it from inside, so it is turned off here).
    const given = await inBox(tree.root, 'cat /proc/self/uid_map', ['--private-users=70000:5', '--resolv-conf=off', '--timezone=off']);
    assert.equal(given.code, 0, given.stderr);
    assert.deepEqual(uidMapOf(given.stdout), { inside: 0, outside: 70000, count: 5 });
    // yes: the range of the root directory's owner, its low 16 bits cut off (nothing chowned).
    const yes = await inBox(tree.root, 'cat /proc/self/uid_map', ['--private-users=yes']);
    assert.deepEqual(uidMapOf(yes.stdout), { inside: 0, outside: 0, count: RANGE_SIZE });
  });

  test('the same uid_map, gid_map and ownership inside as systemd-nspawn -U on the same tree: mapped, and chowned', { skip: !haveNspawn }, async () => {
    const script = 'cat /proc/self/uid_map /proc/self/gid_map; ls -lnd / /bin/busybox /etc/passwd /home/tester /proc/sys /sys /run/host /sys/fs/cgroup/systemd | awk \'{print $1, $3, $4, $NF}\'; id';
    try {
      // -U alone: both map the unshifted tree (nspawn 252 with an idmapped mount too, on ext4);
      // the hashed ranges differ (nspawn's siphash key), everything else is the same.
      const theirsMapped = await nspawn(tree.root, script, ['-U']);
      assert.equal(theirsMapped.code, 0, theirsMapped.stderr);
      const oursMapped = await inBox(tree.root, script, ['-U']);
      assert.equal(oursMapped.code, 0, oursMapped.stderr);
      const base = (s: string): string => s.replace(/^\s*0\s+\d+\s+65536$/gm, '0 BASE 65536');
      assert.equal(base(oursMapped.stdout), base(theirsMapped.stdout));
      assert.equal(lstatSync(tree.root).uid, 0, 'neither chowned the tree');
      // nspawn first: it picks a range and chowns; nsbox's pick then finds the tree owner's range.
      const theirs = await nspawn(tree.root, script, ['-U', '--private-users-ownership=chown']);
      assert.equal(theirs.code, 0, theirs.stderr);
      const ours = await inBox(tree.root, script, ['-U', '--private-users-ownership=chown']);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout);
      // And a tree nsbox chowned is one nspawn's pick takes as it is.
      const other = makeBusyboxTree('nsbox-userns-other-');
      try {
        const first = await inBox(other.root, 'cat /proc/self/uid_map', ['-U', '--private-users-ownership=chown']);
        const second = await nspawn(other.root, 'cat /proc/self/uid_map', ['-U', '--private-users-ownership=chown']);
        assert.equal(second.code, 0, second.stderr);
        assert.equal(uidMapOf(second.stdout).outside, uidMapOf(first.stdout).outside);
      } finally {
        other.remove();
      }
    } finally {
      await inBox(tree.root, 'true', ['--private-users=0', '--private-users-ownership=chown']);
    }
  });

  test('two running containers never share a range, even with the same machine name', async () => {
    const other = makeBusyboxTree('nsbox-userns-two-');
    try {
      const script = 'cat /proc/self/uid_map; sleep 2';
      const a = startNsbox(['nspawn', '-q', '-P', '--register=no', '-M', 'same', '-D', tree.root, '-U', '/bin/sh', '-c', script]);
      await sleep(500);
      const b = startNsbox(['nspawn', '-q', '-P', '--register=no', '-M', 'same', '-D', other.root, '-U', '/bin/sh', '-c', script]);
      const [ra, rb] = await Promise.all([a.done, b.done]);
      assert.equal(ra.code, 0, ra.stderr);
      assert.equal(rb.code, 0, rb.stderr);
      assert.notEqual(uidMapOf(ra.stdout).outside, uidMapOf(rb.stdout).outside);
    } finally {
      other.remove();
    }
  });

  test('a container killed with SIGKILL leaves its lock file unlocked: the next start takes the same range', async () => {
    const runDirs = (): string[] => (existsSync('/run/nsbox/containers') ? readdirSync('/run/nsbox/containers') : []);
    const runDirsBefore = runDirs();
    const box = startNsbox(['nspawn', '-q', '-P', '--register=no', '-D', tree.root, '-U', '/bin/sh', '-c', 'cat /proc/self/uid_map; exec sleep 60']);
    let out = '';
    box.child.stdout!.on('data', (d: string) => (out += d));
    while (!/\d+\s+\d+\s+\d+/.test(out)) await sleep(50);
    const base = uidMapOf(out).outside;
    assert.ok(lockFiles().includes(String(base)), 'the running container holds its range lock');
    box.child.kill('SIGKILL'); // the supervisor itself (the process handed over to the helper)
    await box.done;
    assert.ok(lockFiles().includes(String(base)), 'a killed supervisor runs no cleanup: its lock file stays');
    // Its cgroups stay too (no cleanup ran); the payload dies with its supervisor.
    await sleep(300);
    const again = await inBox(tree.root, 'cat /proc/self/uid_map', ['-U']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(uidMapOf(again.stdout).outside, base, 'the range is free once its container is gone');
    assert.ok(!lockFiles().includes(String(base)), 'the clean end removed the lock file');
    // What only a clean end removes: the supervisor's run directory and cgroups.
    for (const name of runDirs().filter((d) => !runDirsBefore.includes(d))) rmSync(join('/run/nsbox/containers', name), { recursive: true, force: true });
    // They sit below the test's own cgroup in each hierarchy, which is not the root wherever the
    // suite itself runs in a cgroup (CI, a service, a shell someone moved).
    for (const dir of ownCgroupDirs()) {
      for (const name of existsSync(dir) ? readdirSync(dir) : []) if (name.startsWith(`nsbox-${basename(tree.root)}-${box.child.pid}`)) removeCgroupTree(join(dir, name));
    }
  });

  test('no process a -U container can see is more privileged than its payload', async () => {
    for (const extra of [['-U'], ['-U', '--as-pid2']]) {
      const r = await inBox(tree.root, REACH_PROBE_SCRIPT, extra);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(reachViolations(parseReachProbe(r.stdout)), [], `${extra.join(' ')}\n${r.stdout}`);
    }
  });

  test('binds, overlays, --volatile and -x work under -U; a host directory bound in is not root-owned inside', async () => {
    const outside = mkdtempSync('/tmp/nsbox-userns-bind-');
    const lower = mkdtempSync('/tmp/nsbox-userns-lower-');
    // --volatile=yes takes only /usr from the tree: it needs a merged-/usr one.
    const merged = makeBusyboxTree('nsbox-userns-merged-');
    mergeUsr(merged);
    try {
      chmodSync(outside, 0o755);
      writeFileSync(join(outside, 'host-file'), 'host\n');
      // Host root's directories must be readable by others: root inside is not host root.
      chmodSync(lower, 0o755);
      mkdirSync(join(lower, 'sub'));
      const bind = await inBox(tree.root, 'ls -ln /mnt/b | tail -n +2 | awk \'{print $3, $NF}\'; cat /mnt/b/host-file; touch /mnt/b/new 2>/dev/null && echo wrote || echo refused', ['-U', `--bind=${outside}:/mnt/b`]);
      assert.equal(bind.code, 0, bind.stderr);
      // Host root's files are nobody's inside, and root inside may not write them (nspawn without idmap: the same).
      assert.equal(bind.stdout, '65534 host-file\nhost\nrefused\n');
      const ro = await inBox(tree.root, 'cat /mnt/b/host-file', ['-U', `--bind-ro=${outside}:/mnt/b`]);
      assert.equal(ro.stdout, 'host\n', ro.stderr);
      const overlay = await inBox(tree.root, 'ls /srv/o; touch /srv/o/x && echo wrote', ['-U', `--overlay=${lower}::/srv/o`]);
      assert.equal(overlay.code, 0, overlay.stderr);
      assert.equal(overlay.stdout, 'sub\nwrote\n');
      for (const extra of [['-x'], ['--volatile=yes'], ['--volatile=state'], ['--volatile=overlay']]) {
        const r = await inBox(merged.root, 'cat /proc/self/uid_map >/dev/null && touch /var/x-written && echo ok', ['-U', ...extra]);
        assert.equal(r.code, 0, `${extra.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, 'ok\n', extra.join(' '));
        assert.equal(existsSync(join(merged.root, 'var/x-written')), false, `${extra.join(' ')} wrote into the tree`);
      }
    } finally {
      merged.remove();
      rmSync(outside, { recursive: true, force: true });
      rmSync(lower, { recursive: true, force: true });
    }
  });

  test("pick never takes a range holding an id of the host's passwd or group; choosing makes no lock file", () => {
    const lockDir = mkdtempSync('/tmp/nsbox-userns-locks-');
    const owned = makeBusyboxTree('nsbox-userns-owned-');
    try {
      const base = 0x00500000;
      chownSync(owned.root, base, base);
      const input = { directory: owned.root, machine: 'm', lockDir };
      assert.equal(chooseRange({ mode: 'pick' }, { ...input, hostIds: [0, 1000] })?.base, base, "the tree owner's range first");
      const skipped = chooseRange({ mode: 'pick' }, { ...input, hostIds: [0, base + 17] });
      assert.ok(skipped !== undefined && skipped.base !== base, 'a host user in the range makes pick go elsewhere');
      assert.equal(skipped.lockFile, `${lockDir}/${skipped.base}`);
      assert.deepEqual(readdirSync(lockDir), [], 'choosing makes no lock file: the helper does');
    } finally {
      owned.remove();
      rmSync(lockDir, { recursive: true, force: true });
    }
  });

  test('bad values are refused by name', async () => {
    for (const [args, message] of [
      [['--private-users=bogus'], /--private-users: expects yes, no, pick, identity or UID\[:COUNT\]/],
      [['--private-users=0:0'], /--private-users: the UID count must be positive/],
      [['-U', '--private-users-ownership=bogus'], /--private-users-ownership: expects off, chown, map or auto/],
    ] as const) {
      const r = await inBox(tree.root, 'true', args);
      assert.equal(r.code, 1);
      assert.match(r.stderr, message);
    }
  });
});

describe('booting Debian under -U', { skip: needsRoot, timeout: 600_000 }, () => {
  let tree: TreeCopy;
  let snapshot: Snapshot;
  let locksBefore: string[];
  before(async () => {
    tree = await copyDebianTree(mkdtempSync('/var/tmp/nsbox-userns-boot-'));
    locksBefore = lockFiles();
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(() => tree?.remove());

  test('reaches running as an unprivileged range (console-getty too), poweroff exits 0, leaves nothing', async () => {
    const box = startNsbox(['nspawn', '-q', '-D', tree.root, '-U', '-b']);
    try {
      const { pid, state } = await waitForSystemd(box.child.pid!);
      assert.match(state, /^(running|degraded)$/);
      const facts = await enter(pid, ['sh', '-c', 'cat /proc/1/uid_map; grep -c idmapped /proc/1/mountinfo; systemctl --failed --no-legend --plain; stat -c %u /; ls -ln /dev/console | awk \'{print $3}\'']);
      const map = uidMapOf(facts.stdout);
      assert.ok(map.outside >= PICK_MIN && map.count === RANGE_SIZE, facts.stdout);
      assert.equal(state, 'running', `failed units: ${facts.stdout}`);
      assert.match(facts.stdout, /\n0\n0\n$/, 'the tree and the console are root\'s inside');
      assert.equal(lstatSync(tree.root).uid, 0, 'the tree was idmapped (ext4), not chowned');
      assert.match(facts.stdout, /^\s*0\s+\d+\s+65536\n[1-9]\d*\n/, 'the root is an idmapped mount');
      const poweroff = await enter(pid, ['systemctl', 'poweroff']);
      assert.equal(poweroff.code, 0, poweroff.stderr);
      const r = await box.done;
      assert.equal(r.code, 0, r.stderr);
    } finally {
      if (box.child.exitCode === null && box.child.signalCode === null) {
        box.child.kill('SIGTERM');
        box.child.kill('SIGTERM');
        await box.done;
      }
    }
    await assertNoLeaks(snapshot, 5000);
    assert.deepEqual(lockFiles().filter((f) => !locksBefore.includes(f)), [], 'range locks left behind');
  });
});
