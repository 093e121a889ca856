// nsbox-test: needs bookworm-systemd
// Booting a debootstrapped Debian with systemd in `nsbox nspawn -b`: it reaches multi-user, then
// shuts down as under systemd-nspawn (poweroff 0, reboot 133, `systemctl exit 42`, SIGTERM = clean
// poweroff), on this host's hybrid cgroups and in cgroup2-only mode, leaving nothing behind.
import { test, describe, before, after, afterEach } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { copyDebianTree, findContainerInit, scratchTempDir, type TreeCopy } from '../fixtures/debian-tree.js';
import { buildNotifyProbe } from '../fixtures/notify-probe.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { NSBOX_BIN, startNsbox, stopAllBoxes, type Running } from './nspawn-cli.js';
import { killProcessTree } from '../runner/procs.js';
import { enter, waitFor, waitForSystemd } from './boot-helpers.js';

describe('booting Debian with systemd', { skip: needsRoot, timeout: 600_000 }, () => {
  let tree: TreeCopy;
  let snapshot: Snapshot;
  before(async () => {
    tree = await copyDebianTree(scratchTempDir('nsbox-boot-'));
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  let listener: ChildProcess | undefined;
  // The containers first, then their tree: a test cancelled by its timeout never reaches its
  // finally or afterEach, and a container left running on a deleted tree never ends.
  after(async () => {
    await stopAllBoxes();
    if (listener?.pid !== undefined && listener.exitCode === null && listener.signalCode === null) await killProcessTree(listener.pid);
    tree?.remove();
  });

  let current: Running | undefined;
  const boot = (env?: NodeJS.ProcessEnv): Running => (current = startNsbox(['nspawn', '-q', '-D', tree.root, '-b'], undefined, env));
  // A failed assertion must not leave a container running on the tree the next test boots (or
  // that after() deletes): SIGTERM twice is nsbox's "kill it now".
  afterEach(async () => {
    const box = current;
    current = undefined;
    if (!box || box.child.exitCode !== null || box.child.signalCode !== null) return;
    box.child.kill('SIGTERM');
    await Promise.race([box.done, sleep(10000)]);
    if (box.child.exitCode === null) box.child.kill('SIGTERM');
    await box.done;
  });

  test('reaches multi-user: is-system-running says running or degraded; poweroff exits 0 and leaves nothing', async () => {
    const started = Date.now();
    const box = boot();
    const { pid, state } = await waitForSystemd(box.child.pid!);
    assert.match(state, /^(running|degraded)$/);
    const facts = await enter(pid, ['sh', '-c', 'systemd-detect-virt; cat /proc/1/cgroup; stat -fc %T /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; systemctl is-active multi-user.target; hostname']);
    assert.match(facts.stdout, /^container-other\n/);
    assert.match(facts.stdout, /0::\/init\.scope\n/, 'systemd moved itself within its own cgroup2 subtree');
    // The hostname is /etc/hostname's by now: systemd sets it at boot, as under systemd-nspawn.
    assert.match(facts.stdout, /cgroup2fs\ncgroupfs\nactive\n/);
    const poweroff = await enter(pid, ['systemctl', 'poweroff']);
    assert.equal(poweroff.code, 0, poweroff.stderr);
    const r = await box.done;
    assert.equal(r.code, 0, r.stderr);
    process.stderr.write(`# boot to ${state} + poweroff: ${Date.now() - started} ms\n`);
    await assertNoLeaks(snapshot, 5000);
  });

  test('--notify-ready=yes: systemd\'s READY=1 reaches nsbox\'s own manager once the boot is done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsbox-notify-'));
    try {
      const probe = join(dir, 'notify-probe');
      buildNotifyProbe(probe);
      const probeRun = spawn(probe, ['listen', join(dir, 'manager.sock'), NSBOX_BIN, 'nspawn', '-q', '--register=no', '--console=passive', '--notify-ready=yes', '-D', tree.root, '-b'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const lines: string[] = [];
      listener = probeRun;
      probeRun.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
      const ended = new Promise<void>((resolve) => probeRun.on('close', () => resolve()));
      await waitFor('READY=1 from the booted container', () => (lines.some((l) => / READY=1$/.test(l)) ? true : undefined), 60000);
      const pid = findContainerInit(probeRun.pid!)!;
      // systemd says READY=1 when its start-up has finished, so the boot is over by now.
      const state = await enter(pid, ['systemctl', 'is-system-running']);
      assert.match(state.stdout.trim(), /^(running|degraded)$/);
      await enter(pid, ['systemctl', 'poweroff']);
      await ended;
      assert.deepEqual(lines.filter((l) => !/ (READY=1|exit 0)$/.test(l)), [], 'only readiness and a clean exit');
      assert.match(lines.at(-1)!, / exit 0$/);
      await assertNoLeaks(snapshot, 5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reboot exits 133 (nspawn\'s code for a reboot)', async () => {
    const box = boot();
    const { pid } = await waitForSystemd(box.child.pid!);
    await enter(pid, ['systemctl', 'reboot']);
    assert.equal((await box.done).code, 133);
    await assertNoLeaks(snapshot, 5000);
  });

  test('`systemctl exit 42` exits 42', async () => {
    const box = boot();
    const { pid } = await waitForSystemd(box.child.pid!);
    await enter(pid, ['systemctl', 'exit', '42']);
    assert.equal((await box.done).code, 42);
    await assertNoLeaks(snapshot, 5000);
  });

  test('SIGTERM to nsbox powers the container off cleanly: exit 0', async () => {
    const box = boot();
    await waitForSystemd(box.child.pid!);
    box.child.kill('SIGTERM');
    assert.equal((await box.done).code, 0);
    await assertNoLeaks(snapshot, 5000);
  });

  test('cgroup2-only (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1): systemd runs in unified mode with a writable subtree', async () => {
    const box = boot({ ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1' });
    const { pid, state } = await waitForSystemd(box.child.pid!);
    assert.match(state, /^(running|degraded)$/);
    const facts = await enter(pid, ['sh', '-c', 'stat -fc %T /sys/fs/cgroup; cat /proc/1/cgroup; ls /sys/fs/cgroup/system.slice >/dev/null && echo has-system-slice']);
    // The host's v1 hierarchies still list the process (the kernel shows them all); systemd uses cgroup2.
    assert.match(facts.stdout, /^cgroup2fs\n/);
    assert.match(facts.stdout, /^0::\/init\.scope$/m);
    assert.match(facts.stdout, /has-system-slice\n$/);
    await enter(pid, ['systemctl', 'poweroff']);
    assert.equal((await box.done).code, 0);
    await assertNoLeaks(snapshot, 5000);
  });
});
