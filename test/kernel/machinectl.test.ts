// `nsbox machinectl` against running containers started by `nsbox nspawn` (registered in a
// scratch registry): list, status, shell (as root and as a user, exit status passed back, the
// container's limits kept), poweroff, kill, terminate; and a hostile tree that points its passwd
// at a host file.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { needsRoot } from '../fixtures/plans.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { startNsbox, stopAllBoxes, type CliResult, type Running } from './nspawn-cli.js';

const scratch = mkdtempSync('/tmp/nsbox-mctl-');
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

  test('nothing is left behind', async () => {
    await stopAllBoxes();
    await assertNoLeaks(snapshot);
  });
});
