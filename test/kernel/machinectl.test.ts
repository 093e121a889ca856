// `nsbox machinectl` against running containers started by `nsbox nspawn` (registered in a
// scratch registry): list, status, shell (as root and as a user, exit status passed back, the
// container's limits kept), poweroff, kill, terminate; and a hostile tree that points its passwd
// at a host file.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { needsRoot } from '../fixtures/plans.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { startNsbox, stopAllBoxes, type CliResult, type Running } from './nspawn-cli.js';

const scratch = mkdtempSync('/tmp/nsbox-mctl-');
const mkfifo = (path: string): void => void execFileSync('mkfifo', [path]);
const env = { ...process.env, NSBOX_MACHINES_DIR: join(scratch, 'machines') };
const machinectl = (args: readonly string[]): Promise<CliResult> => startNsbox(['machinectl', ...args], '', env).done;

/** Starts a registered container running `script` as PID 1 and waits until machinectl sees its leader. */
async function boot(tree: BusyboxTree, name: string, script: string): Promise<Running> {
  const box = startNsbox(['nspawn', '-q', '-D', tree.root, '-M', name, '/bin/sh', '-c', script], '', env);
  for (let i = 0; i < 100; i++) {
    const r = await machinectl(['status', name]);
    if (r.code === 0 && /Leader: \d+/.test(r.stdout)) return box;
    await sleep(50);
  }
  throw new Error(`machine ${name} did not come up: ${JSON.stringify(await Promise.race([box.done, sleep(10, 'running')]))}`);
}

describe('nsbox machinectl: running machines', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-mctl-bb-');
    writeFileSync(join(tree.root, 'usr/lib/os-release'), 'ID=bbtest\nVERSION_ID=7.1\nPRETTY_NAME="BB Test 7"\n');
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: 'nsbox-mctl' });
  });
  after(async () => {
    await stopAllBoxes();
    tree.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('list and status show the container, its leader and the OS its tree names', async () => {
    const box = await boot(tree, 'mctl-a', 'exec sleep 60');
    try {
      const list = await machinectl(['list']);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^MACHINE +CLASS +SERVICE +OS +VERSION +ADDRESSES\n/);
      assert.match(list.stdout, /^mctl-a +container +nsbox +bbtest +7\.1 +-$/m);
      assert.match(list.stdout, /\n1 machines listed\.\n$/);
      const listed = JSON.parse((await machinectl(['list', '-o', 'json'])).stdout) as { machine: string; os: string; leader: number }[];
      assert.deepEqual(listed.map((m) => [m.machine, m.os]), [['mctl-a', 'bbtest']]);
      const leader = listed[0]!.leader;
      assert.match(readFileSync(`/proc/${leader}/status`, 'utf8'), /^NSpid:\s+\d+\s+1$/m, 'the leader is PID 1 of the container');
      const status = await machinectl(['status', 'mctl-a']);
      assert.match(status.stdout, new RegExp(`Leader: ${leader} \\(sleep\\)`));
      assert.match(status.stdout, new RegExp(`Root: ${tree.root}`));
      assert.match(status.stdout, /OS: BB Test 7/);
      const none = await machinectl(['status', 'no-such']);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /No machine 'no-such' known/);
    } finally {
      await machinectl(['terminate', 'mctl-a']);
      await box.done;
    }
  });

  test('shell runs in the container as root or a user, and passes the exit status back', async () => {
    const box = await boot(tree, 'mctl-b', 'exec sleep 60');
    try {
      const r = await machinectl(['shell', 'mctl-b', '/bin/sh', '-c', 'id -u; hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; echo "$HOME $USER $SHELL"']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), ['0', 'mctl-b', 'sleep 60 ', '/root root /bin/sh']);
      const user = await machinectl(['shell', 'tester@mctl-b', 'id']);
      assert.match(user.stdout, /^uid=1000\(tester\) gid=1000\(tester\) groups=1000\(tester\),1001\(extra\)/);
      const viaUid = await machinectl(['--uid=tester', 'shell', 'mctl-b', '/bin/sh', '-c', 'echo $HOME; pwd']);
      assert.deepEqual(viaUid.stdout.trim().split('\n'), ['/home/tester', '/home/tester']);
      const env = await machinectl(['shell', '-E', 'GREETING=hi there', 'mctl-b', '/bin/sh', '-c', 'echo "$GREETING"']);
      assert.equal(env.stdout, 'hi there\n');
      assert.equal((await machinectl(['shell', 'mctl-b', '/bin/sh', '-c', 'exit 7'])).code, 7);
      const missing = await machinectl(['shell', 'mctl-b', 'no-such-command']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no-such-command/);
      const unknownUser = await machinectl(['shell', 'ghost@mctl-b', 'id']);
      assert.equal(unknownUser.code, 1);
      assert.match(unknownUser.stderr, /ghost/);
    } finally {
      await machinectl(['terminate', 'mctl-b']);
      await box.done;
    }
  });

  test('a shell gets no more than the container: its cgroup, capability bounding set and system-call filter', async () => {
    const box = await boot(tree, 'mctl-c', 'exec sleep 60');
    try {
      const leader = (JSON.parse((await machinectl(['list', '-o', 'json'])).stdout) as { leader: number }[])[0]!.leader;
      const field = (text: string, name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1] ?? '';
      const leaderStatus = readFileSync(`/proc/${leader}/status`, 'utf8');
      const r = await machinectl(['shell', 'mctl-c', '/bin/sh', '-c', 'cat /proc/self/status; echo ===; cat /proc/self/cgroup; echo ===; cat /proc/1/cgroup']);
      const [status = '', cgroup = '', leaderCgroup = ''] = r.stdout.split('===\n');
      assert.equal(field(status, 'CapBnd'), field(leaderStatus, 'CapBnd'));
      assert.equal(field(status, 'CapEff'), field(leaderStatus, 'CapEff'));
      assert.equal(field(status, 'Seccomp'), '2', 'the container\'s filter is loaded');
      assert.equal(field(status, 'Seccomp'), field(leaderStatus, 'Seccomp'));
      // Both read inside the container's cgroup namespace, where its cgroups are the root.
      assert.equal(cgroup, leaderCgroup, 'the shell sits in the container\'s cgroups');
      assert.match(cgroup, /devices:\/\n/);
    } finally {
      await machinectl(['terminate', 'mctl-c']);
      await box.done;
    }
  });

  test('a container whose /etc/passwd points at a host file cannot make shell read the host\'s', async () => {
    const hostFile = join(scratch, 'host-passwd');
    writeFileSync(hostFile, 'intruder:x:0:0:root:/:/bin/sh\n');
    const passwd = join(tree.root, 'etc/passwd');
    const saved = readFileSync(passwd);
    unlinkSync(passwd);
    symlinkSync(hostFile, passwd);
    try {
      const box = await boot(tree, 'mctl-d', 'exec sleep 60');
      try {
        const r = await machinectl(['shell', 'intruder@mctl-d', 'id']);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /failed to resolve user intruder/);
      } finally {
        await machinectl(['terminate', 'mctl-d']);
        await box.done;
      }
    } finally {
      unlinkSync(passwd);
      writeFileSync(passwd, saved);
    }
  });

  test('poweroff sends the init SIGRTMIN+4, kill signals the leader or all, terminate ends everything', async () => {
    // busybox sh names the real-time signals by number: 38 is SIGRTMIN+4.
    const off = await boot(tree, 'mctl-e', 'trap "exit 3" 38; while :; do sleep 0.1; done');
    assert.equal((await machinectl(['poweroff', 'mctl-e'])).code, 0);
    assert.equal((await off.done).code, 3, 'the init took the poweroff request');

    const killed = await boot(tree, 'mctl-f', 'trap "exit 4" USR1; while :; do sleep 0.1; done');
    assert.equal((await machinectl(['kill', '--kill-whom=leader', '-s', 'USR1', 'mctl-f'])).code, 0);
    assert.equal((await killed.done).code, 4);

    const all = await boot(tree, 'mctl-g', 'sleep 60 & sleep 61 & wait');
    assert.equal((await machinectl(['kill', '--signal=KILL', 'mctl-g'])).code, 0);
    const ended = await all.done;
    assert.notEqual(ended.code, 0);

    const term = await boot(tree, 'mctl-h', 'sleep 60 & exec sleep 61');
    assert.equal((await machinectl(['terminate', 'mctl-h'])).code, 0);
    await term.done;
    for (let i = 0; i < 40 && existsSync(join(scratch, 'machines', 'mctl-h')); i++) await sleep(50);
    assert.equal(existsSync(join(scratch, 'machines', 'mctl-h')), false, 'the registration is gone');
    assert.match((await machinectl(['list'])).stdout, /^No machines\.$/m);
    assert.equal((await machinectl(['kill', '-s', 'NOPE', 'mctl-h'])).code, 1);
  });

  test('copy-to and copy-from keep owners, modes and links, never leave the container\'s root, and leave nothing half-done', async () => {
    const src = join(scratch, 'to-copy');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'sub/file'), 'payload\n');
    chownSync(join(src, 'sub/file'), 1234, 5678);
    chmodSync(join(src, 'sub/file'), 0o4750);
    symlinkSync('sub/file', join(src, 'link'));
    const hostTarget = join(scratch, 'host-target');
    mkdirSync(hostTarget);
    mkdirSync(join(tree.root, 'srv'), { recursive: true });
    symlinkSync(hostTarget, join(tree.root, 'srv/out'));
    symlinkSync(join(scratch, 'host-secret'), join(tree.root, 'srv/leak'));
    writeFileSync(join(scratch, 'host-secret'), 'secret\n');
    const box = await boot(tree, 'mctl-i', 'exec sleep 60');
    try {
      assert.equal((await machinectl(['copy-to', 'mctl-i', src, '/tmp/copied'])).code, 0);
      const inside = await machinectl(['shell', 'mctl-i', '/bin/sh', '-c', 'cd /tmp/copied && stat -c "%n %u:%g %a" sub/file && readlink link && cat link']);
      assert.deepEqual(inside.stdout.trim().split('\n'), ['sub/file 1234:5678 4750', 'sub/file', 'payload']);
      const back = join(scratch, 'copied-back');
      assert.equal((await machinectl(['copy-from', 'mctl-i', '/tmp/copied', back])).code, 0);
      assert.equal(readFileSync(join(back, 'sub/file'), 'utf8'), 'payload\n');
      assert.equal(statSync(join(back, 'sub/file')).mode & 0o7777, 0o4750);
      assert.equal(statSync(join(back, 'sub/file')).uid, 1234);
      assert.equal(readlinkSync(join(back, 'link')), 'sub/file');
      // A link in the container to a host path resolves inside the container: no such directory there.
      const out = await machinectl(['copy-to', 'mctl-i', join(src, 'sub/file'), '/srv/out/f']);
      assert.equal(out.code, 1);
      assert.deepEqual(readdirSync(hostTarget), [], 'nothing written through the link on the host');
      // copy-from copies the link itself, not the host file it names.
      assert.equal((await machinectl(['copy-from', 'mctl-i', '/srv/leak', join(scratch, 'leak')])).code, 0);
      assert.equal(lstatSync(join(scratch, 'leak')).isSymbolicLink(), true);
      assert.equal((await machinectl(['copy-from', 'mctl-i', '/srv/out/anything', join(scratch, 'x')])).code, 1);
      assert.match((await machinectl(['copy-to', 'mctl-i', src, '/tmp/copied'])).stderr, /File already exists \(in the machine\)/);
      // A FIFO fails the copy part-way: nothing is left in the container.
      mkfifo(join(src, 'sub/zz-fifo'));
      const partial = await machinectl(['copy-to', 'mctl-i', src, '/tmp/partial']);
      assert.equal(partial.code, 1);
      assert.match(partial.stderr, /only files, directories and symlinks/);
      const left = await machinectl(['shell', 'mctl-i', '/bin/ls', '-a', '/tmp']);
      assert.deepEqual(left.stdout.trim().split('\n').sort(), ['.', '..', 'copied']);
    } finally {
      await machinectl(['terminate', 'mctl-i']);
      await box.done;
      rmSync(join(tree.root, 'srv'), { recursive: true, force: true });
      rmSync(join(tree.root, 'tmp/copied'), { recursive: true, force: true });
    }
  });

  test('nothing is left behind', async () => {
    await stopAllBoxes();
    await assertNoLeaks(snapshot);
  });
});
