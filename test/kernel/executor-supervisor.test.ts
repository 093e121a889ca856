// Console pty, ephemeral root, supervisor settings and the hand-over of a Node process.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/executor/run.js';
import { spawn } from '../../src/executor/spawn.js';
import { rootPath, type Plan } from '../../src/plan/types.js';
import { shellPlan, needsRoot, suiteTree } from '../fixtures/plans.js';

const SIGRTMIN_3 = 37;

/** A whiteout as overlayfs leaves it: a 0/0 character device. */
const mknodSafe = (path: string): void => void execFileSync('mknod', [path, 'c', '0', '0']);

function handOverInChild(plan: Plan): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const handover = fileURLToPath(new URL('../../src/executor/handover.js', import.meta.url));
  const script = `import { handOver } from ${JSON.stringify(handover)};
    handOver(JSON.parse(process.argv[1]), { failureExitCode: 1, labelPrefix: 'nsbox nspawn: ' });`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(plan)], (err, stdout, stderr) => {
      resolve({ code: err ? (err as { code?: number }).code ?? null : 0, stdout, stderr });
    });
  });
}

describe('executor supervision', { skip: needsRoot }, () => {
  const tree = suiteTree();

  test('console pty: the payload runs on /dev/console, a pty whose output is relayed', async () => {
    const r = await run(shellPlan(tree.root, '[ -t 0 ] && [ -t 1 ] && echo tty; readlink /proc/self/fd/0; ls -l /dev/console | cut -c1', {
      ops: [
        { kind: 'tmpfs', target: rootPath('/dev'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'bind-console', target: rootPath('/dev/console') },
      ],
      process: { terminal: { kind: 'controlling-tty' } },
      plan: { console: 'pty-read-only' },
    }));
    const lines = r.stdout.split(/\r?\n/);
    assert.equal(lines[0], 'tty');
    assert.equal(lines[1], '/dev/console', 'stdio is the console, opened inside the container');
    assert.equal(lines[2], 'c');
  });

  test('console pty without a root switch keeps the helper\'s pty: the inside path would name a host file', async () => {
    const r = await run({
      namespaces: ['mount'], pidMode: 'none', root: tree.root, console: 'pty-read-only',
      ops: [
        { kind: 'tmpfs', target: rootPath('/dev'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'bind-console', target: rootPath('/dev/console') },
      ],
      process: { argv: ['/bin/busybox', 'readlink', '/proc/self/fd/0'], env: [], cwd: '/', terminal: { kind: 'inherit' } },
    });
    assert.match(r.stdout.trim(), /^\/dev\/pts\/\d+$/);
  });

  test('ephemeral root: writes land in a tmpfs overlay and vanish', async () => {
    const r = await run(shellPlan(tree.root, 'echo scratch > /etc/ephemeral && cat /etc/ephemeral && grep " / " /proc/self/mountinfo', { plan: { rootLayer: { kind: 'ephemeral' } } }));
    assert.match(r.stdout, /^scratch\n.* - overlay overlay /);
    assert.equal(existsSync(join(tree.root, 'etc/ephemeral')), false);
  });

  test('translated signals: SIGTERM to the helper reaches the payload as SIGRTMIN+3', async () => {
    const sandbox = await spawn(shellPlan(tree.root, `trap "exit 37" ${SIGRTMIN_3}; echo ready; while :; do sleep 1; done`, {
      plan: { pidMode: 'reaper', supervisor: { translateSignals: [{ from: 15, to: SIGRTMIN_3 }] } },
    }), { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => sandbox.stdout?.once('data', () => resolve()));
    sandbox.kill('SIGTERM');
    assert.deepEqual(await sandbox.exited, { kind: 'exited', code: 37 });
  });

  test('the n-th termination request kills the payload; exit codes on signals as asked', async () => {
    const sandbox = await spawn(shellPlan(tree.root, 'trap "" TERM; echo ready; while :; do sleep 1; done', {
      plan: { pidMode: 'reaper', supervisor: { killOnSignalCount: 2, exitCodeOnSignal: [{ signal: 9, code: 1 }] } },
    }), { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => sandbox.stdout?.once('data', () => resolve()));
    sandbox.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    sandbox.kill('SIGTERM');
    assert.deepEqual(await sandbox.exited, { kind: 'exited', code: 1 });
  });

  test('console: output written after every payload fd on the pty was closed is still relayed', async () => {
    const r = await run(shellPlan(tree.root, 'echo first; exec 0<&- 1>&- 2>&-; sleep 0.3; echo later > /dev/console', {
      ops: [
        { kind: 'tmpfs', target: rootPath('/dev'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'bind-console', target: rootPath('/dev/console') },
      ],
      plan: { console: 'pty-read-only' },
    }));
    assert.deepEqual(r.stdout.split(/\r?\n/).filter(Boolean), ['first', 'later']);
  });

  test('rmdir-cgroup-tree removes a cgroup and the cgroups below it after the payload ends', async () => {
    const base = existsSync('/sys/fs/cgroup/unified/cgroup.procs') ? '/sys/fs/cgroup/unified' : '/sys/fs/cgroup';
    const dir = join(base, `nsbox-test-${process.pid}`);
    mkdirSync(dir);
    const r = await run(shellPlan(tree.root, 'mkdir /sys/fs/cgroup/child && mkdir /sys/fs/cgroup/child/grandchild && echo made', {
      ops: [{ kind: 'cgroup2', target: rootPath('/sys/fs/cgroup'), flags: {} }],
      plan: { namespaces: ['mount', 'uts', 'ipc', 'cgroup'], cgroups: [dir], supervisor: { cleanup: [{ kind: 'rmdir-cgroup-tree', path: dir }] } },
    }));
    assert.equal(r.stdout, 'made\n', r.stderr);
    assert.equal(existsSync(dir), false);
  });

  test('cleanup steps run after the payload ends', async () => {
    const dir = join(tree.root, 'run/registration');
    mkdirSync(dir);
    writeFileSync(join(dir, 'entry'), 'x');
    const r = await run(shellPlan(tree.root, 'true', { plan: { supervisor: { cleanup: [{ kind: 'unlink', path: join(dir, 'entry') }, { kind: 'rmdir', path: dir }] } } }));
    assert.deepEqual(r.status, { kind: 'exited', code: 0 });
    assert.equal(existsSync(dir), false);
  });

  test('host directories are made before the namespaces; remove-tree takes one whole, never through a symlink', async () => {
    const dir = join(tree.root, 'run/made/deep');
    const decoy = mkdtempSync(join(tmpdir(), 'nsbox-decoy-'));
    try {
      mkdirSync(join(decoy, 'victim/sub'), { recursive: true });
      writeFileSync(join(decoy, 'victim/sub/file'), 'keep\n');
      symlinkSync(decoy, join(tree.root, 'run/link'));
      const r = await run(shellPlan(tree.root, 'true', {
        plan: { supervisor: {
          hostDirs: [{ path: dir, mode: 0o700 }],
          cleanup: [{ kind: 'remove-tree', path: join(tree.root, 'run/link/victim') }],
        } },
      }));
      assert.deepEqual(r.status, { kind: 'exited', code: 0 });
      assert.equal((statSync(dir).mode & 0o777).toString(8), '700');
      assert.equal(readFileSync(join(decoy, 'victim/sub/file'), 'utf8'), 'keep\n', 'not removed through the symlink');
      mkdirSync(join(dir, 'w/work'), { recursive: true });
      mknodSafe(join(dir, 'w/work/whiteout'));
      writeFileSync(join(dir, 'w/file'), 'x');
      const again = await run(shellPlan(tree.root, 'true', { plan: { supervisor: { cleanup: [{ kind: 'remove-tree', path: join(tree.root, 'run/made') }] } } }));
      assert.deepEqual(again.status, { kind: 'exited', code: 0 });
      assert.equal(existsSync(join(tree.root, 'run/made')), false, 'removed whole');
    } finally {
      rmSync(join(tree.root, 'run/link'), { force: true });
      rmSync(decoy, { recursive: true, force: true });
    }
  });

  test('host FIFOs: made before the namespaces, held open (open() inside never blocks), bound in, unlinked after', async () => {
    const dir = join(tree.root, 'run/fifos');
    const fifo = join(dir, 'kmsg');
    const r = await run(shellPlan(tree.root, '[ -p /kmsg ] && echo fifo; head -c 0 /kmsg && echo opened; echo hello > /kmsg && echo written', {
      ops: [
        { kind: 'write-file', path: rootPath('/kmsg'), content: new Uint8Array(), mode: 0o600 },
        { kind: 'bind', source: { in: 'host', path: fifo }, target: rootPath('/kmsg'), recursive: false, flags: {}, optional: false, create: 'no' },
      ],
      plan: { supervisor: { hostFifos: [fifo], cleanup: [{ kind: 'unlink', path: fifo }, { kind: 'rmdir', path: dir }] } },
    }));
    assert.equal(r.stdout, 'fifo\nopened\nwritten\n', r.stderr);
    assert.equal(existsSync(dir), false);
  });

  test('handOver(): the Node process becomes the helper and exits with the payload\'s code', async () => {
    const r = await handOverInChild(shellPlan(tree.root, 'echo inside $$; exit 3'));
    assert.equal(r.stdout, 'inside 1\n');
    assert.equal(r.code, 3);
  });

  test('handOver(): a setup failure is printed with its label and the failure exit code', async () => {
    const r = await handOverInChild(shellPlan(tree.root, 'true', {
      ops: [{ kind: 'bind', source: { in: 'host', path: '/srv/nothere' }, target: rootPath('/data'), recursive: true, flags: {}, optional: false, create: 'dir' }],
      plan: { supervisor: { cleanup: [{ kind: 'rmdir', path: join(tree.root, 'mnt') }] } },
    }));
    assert.equal(r.stderr, 'nsbox nspawn: bind /srv/nothere -> /data: No such file or directory\n');
    assert.equal(r.code, 1);
    assert.equal(existsSync(join(tree.root, 'mnt')), false, 'cleanup ran after the failure');
    mkdirSync(join(tree.root, 'mnt'));
    assert.ok(readdirSync(tree.root).includes('mnt'));
  });
});
