// nsbox-test: run-alone (it lists /run/nsbox/containers, where every running container has a directory)
// The container's host-side nodes, as systemd-nspawn's: NOTIFY_SOCKET=/run/host/notify inside, a
// socket the supervisor reads, and /proc/kmsg a FIFO it holds open; both gone from the host after
// exit. Readiness is passed on to whoever started nsbox with a NOTIFY_SOCKET of its own (a
// service manager), at once by default.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { buildNotifyProbe, parseNotifyLog, type NotifyLog } from '../fixtures/notify-probe.js';
import { fileURLToPath } from 'node:url';
import { inBox, NSBOX_BIN } from './nspawn-cli.js';

const NOTIFY_DIR = '/run/nsbox/containers';
const sockets = (): string[] => {
  try {
    return readdirSync(NOTIFY_DIR).sort();
  } catch {
    return [];
  }
};

describe('the notify socket', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  let probe: string;
  let socketsBefore: string[];
  before(() => {
    tree = makeBusyboxTree('nsbox-notify-');
    probe = join(tree.root, 'bin/notify-probe');
    buildNotifyProbe(probe);
    socketsBefore = sockets();
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    assert.deepEqual(sockets(), socketsBefore, 'every container\'s notify socket and kmsg FIFO (and their directory) are gone after it');
    tree.remove();
  });

  /** nsbox nspawn under the probe's listener, as a Type=notify service manager would start it. */
  const underListener = (nspawnArgs: readonly string[]): NotifyLog => {
    const listener = join(tree.root, 'outer-notify.sock');
    const r = spawnSync(probe, ['listen', listener, NSBOX_BIN, 'nspawn', '-q', '-P', '--register=no', '-D', tree.root, ...nspawnArgs], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return parseNotifyLog(r.stdout);
  };

  test('inside: NOTIFY_SOCKET=/run/host/notify names a socket the payload can send to', async () => {
    const r = await inBox(tree.root, 'echo "$NOTIFY_SOCKET"; [ -S /run/host/notify ] && echo socket; notify-probe send READY=1 && echo sent');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['/run/host/notify', 'socket', 'sent']);
  });

  test('inside: /proc/kmsg is a FIFO that opens without blocking, as under nspawn', async () => {
    const r = await inBox(tree.root, '[ -p /proc/kmsg ] && echo fifo; head -c 0 /proc/kmsg && echo opened; grep -c " /proc/kmsg " /proc/self/mountinfo');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['fifo', 'opened', '1']);
  });

  test('by default the manager hears READY=1 as soon as the container has started', () => {
    const log = underListener(['/bin/sh', '-c', 'sleep 1']);
    assert.equal(log.exitStatus, 0);
    assert.deepEqual(log.messages.map((m) => m.text), ['READY=1']);
    assert.ok(log.messages[0]!.ms < log.exitMs - 500, `READY=1 at ${log.messages[0]!.ms} ms, exit at ${log.exitMs} ms`);
  });

  test('--notify-ready=yes: the manager hears READY=1 when the payload says it, not before', () => {
    const log = underListener(['--notify-ready=yes', '/bin/sh', '-c', 'sleep 0.6; notify-probe send READY=1; sleep 0.4']);
    assert.equal(log.exitStatus, 0);
    assert.deepEqual(log.messages.map((m) => m.text), ['READY=1']);
    assert.ok(log.messages[0]!.ms >= 600, `READY=1 at ${log.messages[0]!.ms} ms`);
    const silent = underListener(['--notify-ready=yes', '/bin/sh', '-c', 'sleep 0.3']);
    assert.equal(silent.exitStatus, 0);
    assert.deepEqual(silent.messages, [], 'a payload that never says READY=1 is never ready');
  });

  test('a Node program spawning a container through the library: its own manager hears nothing', () => {
    const lib = (rel: string): string => JSON.stringify(fileURLToPath(new URL(rel, import.meta.url)));
    const script = `import { prepareContainer } from ${lib('../../src/machines/container.js')};
      import { parseNspawnArgs } from ${lib('../../src/nspawn/options.js')};
      import { spawn } from ${lib('../../src/executor/spawn.js')};
      const c = prepareContainer(parseNspawnArgs(['-q', '-P', '--register=no', '-D', ${JSON.stringify(tree.root)}, '/bin/sh', '-c', 'notify-probe send READY=1']),
        { stdinIsTty: false, stdoutIsTty: false, supervisorPid: process.pid });
      try { const s = await (await spawn(c.plan, { stdio: 'inherit' })).exited; process.exitCode = s.kind === 'exited' ? s.code : 1; } finally { c.release(); }`;
    const listener = join(tree.root, 'outer-notify.sock');
    const r = spawnSync(probe, ['listen', listener, process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    const log = parseNotifyLog(r.stdout);
    assert.equal(log.exitStatus, 0, r.stderr);
    assert.deepEqual(log.messages, []);
  });

  test("what the payload sends does not reach the manager (only readiness, once)", () => {
    const log = underListener(['/bin/sh', '-c', 'notify-probe send STATUS=inner; notify-probe send READY=1']);
    assert.equal(log.exitStatus, 0);
    assert.deepEqual(log.messages.map((m) => m.text), ['READY=1']);
  });
});
