// The resident supervisor: one helper process for every launch of a manager. Launches through it
// (output, exit statuses, kill, notify), payloads that are its children (CLONE_PARENT with every
// namespace services use), a client that leaves and comes back (HELLO, the exit and the output of
// meanwhile), a failing step reported as launch() reports it, and nothing left behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot, shellPlan } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { buildNotifyProbe } from '../fixtures/notify-probe.js';
import { ResidentSupervisor, residentSocketPath, type Launchable } from '../../src/launch/index.js';
import { hostPath, rootPath, type Plan } from '../../src/plan/types.js';
import { SandboxSetupError } from '../../src/errors.js';

const collect = (stream: NodeJS.ReadableStream | null): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    if (!stream) return resolve('');
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => (text += d));
    stream.on('end', () => resolve(text));
  });

const launchable = (plan: Plan): Launchable => ({ plan, cgroupDirs: [], release: () => {} });
const parentOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the resident supervisor', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  let runtimeDir: string;
  let supervisor: ResidentSupervisor;
  before(async () => {
    tree = makeBusyboxTree('nsbox-resident-');
    buildNotifyProbe(join(tree.root, 'bin/notify-probe'));
    runtimeDir = mkdtempSync(join(tmpdir(), 'nsbox-resident-run-'));
    snapshot = takeSnapshot({ paths: [tree.root], mountsUnder: [tree.root] });
    supervisor = await ResidentSupervisor.open(runtimeDir);
  });
  after(async () => {
    const pid = supervisor.residentPid;
    await supervisor.close();
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
    assert.equal(alive(pid), false, 'the resident has ended');
    await assertNoLeaks(snapshot);
    tree.remove();
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  test('it listens on supervisor.sock, mode 0600, and runs in its own session', () => {
    const st = statSync(residentSocketPath(runtimeDir));
    assert.equal(st.isSocket(), true);
    assert.equal(st.mode & 0o777, 0o600);
    const stat = readFileSync(`/proc/${supervisor.residentPid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    assert.equal(Number(stat[3]), supervisor.residentPid, 'session leader (setsid)');
    assert.match(readFileSync(`/proc/${supervisor.residentPid}/cmdline`, 'utf8'), /--resident/);
  });

  test('a launch: stdout and stderr apart, the exit code, the payload a child of the resident', async () => {
    const handle = await supervisor.launch(launchable(shellPlan(tree.root, 'echo out; echo err >&2; read x < /proc/self/stat; sleep 0.2; exit 3')));
    assert.equal(parentOf(handle.pid), supervisor.residentPid, 'CLONE_PARENT: no launcher stays between');
    const [out, err, status] = await Promise.all([collect(handle.stdout), collect(handle.stderr), handle.exited]);
    assert.equal(out, 'out\n');
    assert.equal(err, 'err\n');
    assert.deepEqual(status, { kind: 'exited', code: 3 });
  });

  test('every namespace a service uses works with CLONE_PARENT, a user namespace and a reaper included', async () => {
    const plans: [string, Plan][] = [
      ['mount uts ipc net cgroup', shellPlan(tree.root, 'ip link show lo >/dev/null 2>&1 || cat /proc/net/dev | grep -c lo; echo ok', { plan: { namespaces: ['mount', 'uts', 'ipc', 'net', 'cgroup'] } })],
      ['user', shellPlan(tree.root, 'id -u; cat /proc/self/uid_map | tr -s " "', {
        plan: { namespaces: ['user', 'mount', 'uts', 'ipc'], user: { uidMap: [{ inside: 0, outside: 100000, count: 65536 }], gidMap: [{ inside: 0, outside: 100000, count: 65536 }], setgroups: 'deny' } },
      })],
      ['reaper', shellPlan(tree.root, 'echo $$; kill -TERM $$', { plan: { pidMode: 'reaper' } })],
      ['no namespaces', { namespaces: [], pidMode: 'none', ops: [], process: { argv: ['/bin/sh', '-c', 'echo plain'], env: ['PATH=/bin:/usr/bin'], cwd: '/', terminal: { kind: 'inherit' } } }],
    ];
    for (const [what, plan] of plans) {
      const handle = await supervisor.launch(launchable(plan));
      const [out, err, status] = await Promise.all([collect(handle.stdout), collect(handle.stderr), handle.exited]);
      if (what === 'reaper') {
        assert.equal(out, '2\n', what);
        assert.deepEqual(status, { kind: 'signaled', signal: 'SIGTERM' }, `${what}: the payload's own status, not the reaper's`);
      } else if (what === 'user') {
        assert.equal(out.split('\n')[0], '0', `${what}: ${err}`);
        assert.match(out, /0 100000 65536/);
        assert.deepEqual(status, { kind: 'exited', code: 0 }, what);
      } else {
        assert.match(out, what === 'no namespaces' ? /^plain\n$/ : /ok\n$/, `${what}: ${err}`);
        assert.deepEqual(status, { kind: 'exited', code: 0 }, `${what}: ${err}`);
      }
    }
  });

  test('kill signals the main process', async () => {
    // Not PID 1 of a namespace: that one ignores a signal it has no handler for, even from outside.
    const handle = await supervisor.launch(launchable(shellPlan(tree.root, 'echo up; exec sleep 100', { plan: { pidMode: 'none' } })));
    await new Promise<void>((resolve) => handle.stdout!.once('data', () => resolve()));
    handle.kill('SIGTERM');
    assert.deepEqual(await handle.exited, { kind: 'signaled', signal: 'SIGTERM' });
    assert.equal(alive(handle.pid), false);
  });

  test('notify: READY=1 resolves ready, STATUS= is folded; the socket is removed at the end', async () => {
    const socket = join(runtimeDir, 'notify', 'probe');
    const plan = shellPlan(tree.root, 'notify-probe send "STATUS=warming"; notify-probe send "READY=1\nSTATUS=serving"; sleep 0.2; echo done', {
      ops: [
        { kind: 'tmpfs', target: rootPath('/run'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'bind', source: hostPath(socket), target: rootPath('/run/notify'), recursive: false, flags: {}, optional: false, create: 'file' },
      ],
      process: { env: ['PATH=/bin:/sbin:/usr/bin', 'NOTIFY_SOCKET=/run/notify'] },
      plan: { supervisor: { notify: { hostPath: socket, forwardReady: 'on-ready' }, cleanup: [{ kind: 'unlink', path: socket }] } },
    });
    const handle = await supervisor.launch(launchable(plan));
    const seen: number[] = [];
    handle.onNotify((m) => seen.push(m.pid));
    const [out, ready, status] = await Promise.all([collect(handle.stdout), handle.ready, handle.exited]);
    assert.equal(out, 'done\n');
    assert.equal(ready, true);
    assert.deepEqual(status, { kind: 'exited', code: 0 });
    assert.equal(handle.notifyState().statusText, 'serving');
    assert.ok(seen.length === 2 && seen.every((pid) => pid > 0), `sender pids: ${seen.join(' ')}`);
    assert.equal(existsSync(socket), false, 'the supervisor cleanup step ran');
  });

  test('a launch that fails at a step rejects with that step, as launch() does', async () => {
    const plan = shellPlan(tree.root, 'true', {
      ops: [{ kind: 'bind', source: hostPath('/nonexistent-nsbox-source'), target: rootPath('/mnt'), recursive: false, flags: {}, optional: false, create: 'no' }],
    });
    await assert.rejects(supervisor.launch(launchable(plan)), (e: unknown) => {
      assert.ok(e instanceof SandboxSetupError, String(e));
      assert.equal(e.step, 'OP');
      assert.equal(e.errnoName, 'ENOENT');
      assert.match(e.message, /nonexistent-nsbox-source/);
      return true;
    });
    const exec = shellPlan(tree.root, 'true', { process: { argv: ['/no/such/binary'] } });
    await assert.rejects(supervisor.launch(launchable(exec)), (e: unknown) => e instanceof SandboxSetupError && e.step === 'EXEC');
  });

  test('a client that leaves and comes back: HELLO lists the launch, then its exit and the output written meanwhile', async () => {
    const tag = Buffer.from(JSON.stringify({ unit: 'probe.service' }));
    const handle = await supervisor.launch(launchable(shellPlan(tree.root, 'echo before; sleep 0.3; for i in 1 2 3; do echo line $i; done; echo to-err >&2; exit 7')), { tag });
    await new Promise<void>((resolve) => handle.stdout!.once('data', () => resolve()));
    await supervisor.close();
    await sleep(600); // the payload writes and exits while nobody listens
    assert.equal(alive(handle.pid), false, 'reaped by the resident while no client was connected');
    supervisor = await ResidentSupervisor.open(runtimeDir);
    const held = supervisor.held.find((h) => h.id === handle.launchId);
    assert.ok(held, 'HELLO lists the launch');
    assert.equal(held.state, 'exited');
    assert.equal(held.pid, handle.pid);
    assert.deepEqual(held.tag, tag);
    const adopted = supervisor.adopt(handle.launchId)!;
    const [out, err, status] = await Promise.all([collect(adopted.stdout), collect(adopted.stderr), adopted.exited]);
    assert.equal(out, 'line 1\nline 2\nline 3\n', 'written while no client was connected, not lost');
    assert.equal(err, 'to-err\n');
    assert.deepEqual(status, { kind: 'exited', code: 7 });
  });

  test('a running launch survives its client; the next client adopts it and stops it', async () => {
    const handle = await supervisor.launch(launchable(shellPlan(tree.root, 'trap "echo bye; exit 5" TERM; echo up; while :; do sleep 0.1; done')));
    await new Promise<void>((resolve) => handle.stdout!.once('data', () => resolve()));
    await supervisor.close();
    supervisor = await ResidentSupervisor.open(runtimeDir);
    const held = supervisor.held.find((h) => h.id === handle.launchId);
    assert.equal(held?.state, 'running');
    const adopted = supervisor.adopt(handle.launchId)!;
    assert.equal(adopted.pid, handle.pid);
    const out = collect(adopted.stdout);
    adopted.kill('SIGTERM');
    assert.deepEqual(await adopted.exited, { kind: 'exited', code: 5 });
    assert.equal(await out, 'bye\n');
  });

  test('one client at a time: a second connection is refused while the first is there', async () => {
    await assert.rejects(ResidentSupervisor.open(runtimeDir), /another manager/);
  });
});
