// The launch layer: a container and a service command started through the same launch(), with
// notify messages folded into a state, readiness, and kill of the main process or the whole cgroup.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { buildNotifyProbe } from '../fixtures/notify-probe.js';
import { parseNspawnArgs } from '../../src/nspawn/options.js';
import { prepareContainer } from '../../src/machines/container.js';
import { launch, serviceCommandLaunchable, signalCgroups } from '../../src/launch/index.js';
import { createServiceCgroup } from '../../src/cgroups/service.js';
import { createPrivateTmp, planUnit } from '../../src/service/index.js';

const collect = (stream: NodeJS.ReadableStream | null): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (d: string) => (text += d));
    stream?.on('end', () => resolve(text));
  });

describe('the launch layer', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-launch-');
    buildNotifyProbe(join(tree.root, 'bin/notify-probe'));
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  const container = (script: string) =>
    prepareContainer(parseNspawnArgs(['-q', '-P', '--register=no', '-D', tree.root, '/bin/sh', '-c', script]), {
      stdinIsTty: false, stdoutIsTty: false, supervisorPid: process.pid,
    });

  test('a container: notify messages become state, READY=1 resolves ready', async () => {
    const prepared = container('notify-probe send "STATUS=warming up"; notify-probe send "READY=1\nSTATUS=serving"; echo done');
    const handle = await launch(prepared, { stdio: ['ignore', 'pipe', 'inherit'] });
    const seen: string[] = [];
    handle.onNotify((m) => seen.push(m.text));
    const [out, ready, status] = await Promise.all([collect(handle.stdout), handle.ready, handle.exited]);
    handle.release();
    assert.equal(out, 'done\n');
    assert.equal(ready, true);
    assert.deepEqual(status, { kind: 'exited', code: 0 });
    assert.equal(handle.notifyState().statusText, 'serving');
    assert.equal(handle.notifyState().ready, true);
    assert.ok(seen.length <= 2 && seen.every((t) => t.startsWith('STATUS=') || t.startsWith('READY=')), seen.join('|'));
  });

  test('a container that never says READY=1: ready resolves false when it ends', async () => {
    const handle = await launch(container('true'), { stdio: 'ignore' });
    assert.equal(await handle.ready, false);
    await handle.exited;
    handle.release();
  });

  test('kill(…, "all") ends every process in the container\'s cgroups, not just the main one', async () => {
    const prepared = container('sleep 300 & sleep 300 & echo up; wait');
    const handle = await launch(prepared, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => handle.stdout!.once('data', () => resolve()));
    const procs = (): number => prepared.cgroupDirs.map((d) => readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).length).reduce((a, b) => Math.max(a, b), 0);
    assert.equal(procs(), 3, 'the shell and its two sleeps');
    handle.kill('SIGKILL', 'all');
    // PID 1 killed by a signal other than SIGINT: nspawn's exit code 1.
    assert.deepEqual(await handle.exited, { kind: 'exited', code: 1 });
    handle.release();
    for (const d of prepared.cgroupDirs) assert.equal(existsSync(d), false, d);
  });

  test('a service command: runs in the service\'s own cgroup; kill(…, "all") reaches what it left running', async () => {
    const unitDir = mkdtempSync(join(tmpdir(), 'nsbox-launch-units-'));
    // Named per run: another checkout's suite may run this same test at the same time.
    const unit = `nsbox-launch-${process.pid}.service`;
    writeFileSync(join(unitDir, unit), `[Service]\nRootDirectory=${tree.root}\nPrivateTmp=yes\nExecStart=/bin/sh -c 'sleep 300 & echo $$; cat /proc/self/cgroup; sleep 300'\n`);
    const privateTmp = createPrivateTmp(unit);
    const cgroup = createServiceCgroup(unit);
    try {
      const plans = await planUnit(unit, { unitPath: unitDir, privateTmpDirs: privateTmp });
      const start = plans.commands[0]!;
      assert.equal(start.error, undefined, start.error?.message);
      const handle = await launch(serviceCommandLaunchable(start.plan!, cgroup), { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      handle.stdout!.setEncoding('utf8');
      await new Promise<void>((resolve) => handle.stdout!.on('data', (d: string) => ((out += d), out.split('\n').length > 3 && resolve())));
      assert.match(out, new RegExp(`/${unit.replaceAll('.', '\\.')}$`, 'm'), 'the command runs in the unit\'s cgroup');
      const members = readFileSync(join(cgroup.dirs[0]!, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
      // The background sleep and the shell (which may have exec'd its last command already).
      assert.ok(members.length >= 2, `the command and what it left running: ${members.join(' ')}`);
      handle.kill('SIGTERM', 'all');
      assert.deepEqual(await handle.exited, { kind: 'signaled', signal: 'SIGTERM' });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(readFileSync(join(cgroup.dirs[0]!, 'cgroup.procs'), 'utf8'), '', 'nothing left running');
    } finally {
      // Whatever an assertion above left running goes before its cgroup.
      signalCgroups(cgroup.dirs, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 100));
      cgroup.remove();
      privateTmp.remove();
      rmSync(unitDir, { recursive: true, force: true });
    }
    for (const d of cgroup.dirs) assert.equal(existsSync(d), false, d);
  });
});
