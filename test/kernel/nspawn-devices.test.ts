// The device policy (nspawn's DevicePolicy=closed and its allow list), attacked from inside a
// busybox container: device nodes the tree brings along (made on the host, so only the policy
// stands between the container and them: the tree is not on a nodev mount) and nodes made with
// mknod inside. For both enforcements: the v1 devices controller (this host's default) and the
// cgroup2 device program (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1, the cgroup2-only layout), each with
// the payload as PID 1 and under --as-pid2.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { startNsbox } from './nspawn-cli.js';
import { haveNspawn, nspawn } from './nspawn-reference.js';
import { major, minor } from '../../src/machines/device-facts.js';

/** The block device holding the host's root file system: "a disk". */
function rootDisk(): [number, number] {
  const dev = statSync('/', { bigint: true }).dev;
  return [major(dev), minor(dev)];
}

/** Nodes the tree brings along: name, type, major, minor. */
const TREE_NODES: [string, 'b' | 'c', number, number][] = [
  ['loop0', 'b', 7, 0], ['loop-control', 'c', 10, 237], ['kmsg', 'c', 1, 11], ['mem', 'c', 1, 1], ['disk', 'b', ...rootDisk()],
];

/** Prints "NAME: OUTCOME" per attempt; every attempt on a closed node must end in EPERM. */
const ATTACKS = [
  ...TREE_NODES.map(([name, type]) => type === 'b' || name === 'kmsg' || name === 'mem'
    ? `head -c1 /srv/nodes/${name} >/dev/null 2>/tmp/e && echo "read ${name}: opened" || echo "read ${name}: $(cat /tmp/e)"`
    : `(echo > /srv/nodes/${name}) 2>/tmp/e && echo "write ${name}: opened" || echo "write ${name}: $(cat /tmp/e)"`),
  'mknod /dev/x b 7 0 2>/tmp/e && echo "mknod loop0: made" || echo "mknod loop0: $(cat /tmp/e)"',
  'mknod /dev/y c 10 237 2>/tmp/e && echo "mknod loop-control: made" || echo "mknod loop-control: $(cat /tmp/e)"',
  // ptys may be used but never made, as nspawn's "char-pts rw"
  'mknod /dev/z c 136 9 2>/tmp/e && echo "mknod pty: made" || echo "mknod pty: $(cat /tmp/e)"',
  // A root that keeps CAP_SYS_ADMIN mounts the devices hierarchy itself and tries to widen its
  // list. In the cgroup2 layout on this hybrid host the container is in no v1 devices cgroup, so
  // this reaches the hierarchy's root, which allows everything already (issue 8 item 8: without
  // a user namespace the container is not a boundary); the program still refuses the read after.
  'mkdir -p /run/cg && mount -t cgroup -o devices cgroup /run/cg 2>/dev/null; (echo a > /run/cg/devices.allow) 2>/tmp/e && echo "widen: done" || echo "widen: $(cat /tmp/e)"',
  'head -c1 /srv/nodes/loop0 >/dev/null 2>/tmp/e && echo "read loop0 after widen: opened" || echo "read loop0 after widen: $(cat /tmp/e)"',
].join('; ');

/** What must keep working: the standard nodes, ptys, mknod of an allowed node. */
const ALLOWED = [
  'echo x > /dev/null && echo "null: ok"',
  'test "$(head -c3 /dev/zero | wc -c)" = 3 && echo "zero: ok"',
  'test "$(head -c3 /dev/urandom | wc -c)" = 3 && echo "urandom: ok"',
  'test "$(head -c3 /dev/random | wc -c)" = 3 && echo "random: ok"',
  '(echo x > /dev/full) 2>&1 | grep -q "No space left" && echo "full: ok"',
  'exec 3<>/dev/ptmx && echo "ptmx: ok"',
  'mknod /dev/null2 c 1 3 && echo x > /dev/null2 && echo "mknod null: ok"',
].join('; ');

const LAYOUTS = [
  { name: 'cgroup v1 devices controller', env: {} },
  { name: 'cgroup2 device program (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1)', env: { SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' } },
] as const;

describe('the device policy, attacked from inside', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let machine: string;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-dev-');
    machine = basename(tree.root);
    mkdirSync(join(tree.root, 'srv/nodes'), { recursive: true });
    for (const [name, type, major, minor] of TREE_NODES) execFileSync('mknod', ['-m', '0666', join(tree.root, 'srv/nodes', name), type, String(major), String(minor)]);
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${machine}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  const run = (script: string, env: Record<string, string>, options: readonly string[] = []) =>
    startNsbox(['nspawn', '-q', '--register=no', '-D', tree.root, ...options, '/bin/sh', '-c', script], '', { ...process.env, ...env }).done;

  for (const layout of LAYOUTS) {
    for (const pidMode of [[], ['--as-pid2']] as const) {
      const label = `${layout.name}${pidMode.length ? ', --as-pid2' : ''}`;
      test(`${label}: loop, loop-control, kmsg, mem and the host's disk stay closed, even after mknod or widening the list`, async () => {
        const r = await run(ATTACKS, layout.env, ['-P', ...pidMode]);
        assert.equal(r.code, 0, r.stderr);
        const lines = r.stdout.trim().split('\n');
        assert.equal(lines.length, TREE_NODES.length + 5, r.stdout);
        const v2OnHybrid = 'SYSTEMD_NSPAWN_UNIFIED_HIERARCHY' in layout.env && existsSync('/sys/fs/cgroup/devices/devices.allow');
        for (const line of lines) {
          if (v2OnHybrid && line.startsWith('widen:')) continue;
          assert.match(line, /: .*Operation not permitted$/, line);
        }
      });

      test(`${label}: the standard nodes, ptys and mknod of an allowed node still work`, async () => {
        const r = await run(ALLOWED, layout.env, ['-P', ...pidMode]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.stdout.trim().split('\n'), ['null: ok', 'zero: ok', 'urandom: ok', 'random: ok', 'full: ok', 'ptmx: ok', 'mknod null: ok']);
      });
    }

    test(`${layout.name}: the console (a pty from the host, /dev/console) can be written`, async () => {
      // --console=read-only: the payload's stdio is the pty, whose output the supervisor relays.
      const r = await run('echo via-console > /dev/console && echo via-stdout', layout.env, ['--console=read-only']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), ['via-console', 'via-stdout']);
    });
  }

  test('the v1 list is readable inside at /sys/fs/cgroup/devices, and the policy directory goes at exit', async () => {
    const r = await run('cat /sys/fs/cgroup/devices/devices.list', {}, ['-P']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 5:2 rwm', 'c 0:0 rwm', 'b 0:0 rwm', 'c 10:200 rwm', 'c 136:* rw',
    ]);
    assert.deepEqual(readdirSync('/sys/fs/cgroup/devices').filter((n) => n.startsWith(`nsbox-${machine}`)), []);
  });

  test('a device node given with --bind-ro may be opened for reading only, with --bind for writing too, as nspawn allows it', async () => {
    // /dev/loop-control: closed by default, and opening it does nothing. A read-only mount does not
    // stop writes to a device node; the policy's "r" does.
    const open = 'exec 3</dev/extra && echo read-open; (exec 4>/dev/extra && echo write-open) 2>&1; true';
    const ro = await run(open, {}, ['-P', '--bind-ro=/dev/loop-control:/dev/extra']);
    assert.equal(ro.code, 0, ro.stderr);
    assert.match(ro.stdout, /^read-open\n.*Operation not permitted\n$/);
    const rw = await run(open, {}, ['-P', '--bind=/dev/loop-control:/dev/extra']);
    assert.equal(rw.stdout, 'read-open\nwrite-open\n', rw.stderr);
  });

  test('systemd-nspawn 252 with --register=no --keep-unit sets no policy of its own (where nsbox is stricter)', { skip: !haveNspawn && 'systemd-nspawn not installed' }, async () => {
    // nspawn leaves the policy to its scope or systemd-nspawn@.service; without either it has none.
    const script = 'cat /sys/fs/cgroup/devices/devices.list; head -c1 /srv/nodes/loop0 >/dev/null && echo "read loop0: opened"; (exec 3>/srv/nodes/loop-control) && echo "open loop-control: opened"';
    const r = await nspawn(tree.root, script, []);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a *:* rwm\nread loop0: opened\nopen loop-control: opened\n');
  });
});
