// The test runner itself: marks, order, the pool's limits, the leftover tracker's blame, and real
// files run under the watchdog (a hanging file with a child and a daemon; a file that leaves
// things behind; the pass/fail counts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseMarks, type TestFile } from './files.js';
import { LeftoverTracker } from './leftovers.js';
import { carriersOf, processTable } from './procs.js';
import { runFile } from './run-file.js';
import { runPool, startOrder } from './schedule.js';
import { recipesNeeded, phaseOf } from './setup.js';
import { parseArgs } from './main.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/runner/${name}.js`, import.meta.url));
const file = (name: string, runAlone = false, needs: string[] = []): TestFile => ({ path: name, name, runAlone, needs });
const alive = (pid: number): boolean => {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('parseMarks() reads run-alone (with its reason) and needs; an unknown mark is an error', () => {
  assert.deepEqual(parseMarks('// nsbox-test: run-alone (it lists /run/nsbox)\n// nsbox-test: needs a b\nx', 'f'), { runAlone: true, needs: ['a', 'b'] });
  assert.deepEqual(parseMarks('// nothing', 'f'), { runAlone: false, needs: [] });
  assert.throws(() => parseMarks('// nsbox-test: run-alnoe', 'f.ts'), /f\.ts: unknown mark/);
});

test('recipesNeeded() names the Debian trees to build; an unknown recipe is an error', () => {
  assert.deepEqual(recipesNeeded([file('a', false, ['bookworm-sysvinit']), file('b')]).map((r) => r.name), ['bookworm-sysvinit']);
  assert.throws(() => recipesNeeded([file('a', false, ['bookworm-typo'])]), /bookworm-typo/);
  assert.equal(phaseOf('I: Retrieving libc6 2.36-9'), 'retrieving');
  assert.equal(phaseOf('W: something'), undefined);
});

test('startOrder(): run-alone files first, then the longest by the previous run', () => {
  const order = startOrder([file('test/unit/a'), file('test/kernel/b'), file('test/kernel/c', true), file('test/kernel/d')], {
    'test/kernel/b': 5, 'test/kernel/d': 500, 'test/unit/a': 50,
  });
  assert.deepEqual(order.map((f) => f.name), ['test/kernel/c', 'test/kernel/d', 'test/unit/a', 'test/kernel/b']);
});

test('runPool() runs at most `jobs` files at once, and a run-alone file with nothing beside it', async () => {
  let running = 0;
  let most = 0;
  const overlaps: string[] = [];
  const active = new Set<string>();
  const files = [file('a'), file('b'), file('c', true), file('d'), file('e'), file('f')];
  await runPool(files, 2, async (f) => {
    running++;
    most = Math.max(most, running);
    active.add(f.name);
    if (active.has('c') && active.size > 1) overlaps.push([...active].join(''));
    await sleep(20);
    active.delete(f.name);
    running--;
  });
  assert.equal(most, 2);
  assert.deepEqual(overlaps, []);
});

test('LeftoverTracker blames what is left at the end on the file that ran when it appeared, not on one that ran beside it', () => {
  let world = new Set<string>(['old']);
  const tracker = new LeftoverTracker(() => new Set(world));
  tracker.started('A');
  world = new Set([...world, 'a-temp']); // A's work in progress...
  tracker.poll();
  tracker.started('B');
  tracker.ended('B'); // ... which B must not be blamed for
  tracker.poll(); // the runner looks every second: B ended before the next thing appeared
  world = new Set([...world, 'a-left']);
  world.delete('a-temp');
  tracker.ended('A');
  tracker.started('C');
  tracker.started('D');
  world = new Set([...world, 'c-or-d']);
  tracker.ended('C');
  tracker.ended('D');
  assert.deepEqual(tracker.verdict(), [
    { item: 'a-left', suspects: ['A'] },
    { item: 'c-or-d', suspects: ['C', 'D'] },
  ]);
});

test('parseArgs(): filters, --jobs, --timeout, and the rest for node --test', () => {
  assert.deepEqual(parseArgs(['kernel/boot', '--jobs=3', '--timeout=60', '--test-name-pattern=x']), {
    filters: ['kernel/boot'], jobs: 3, timeoutMs: 60_000, nodeArgs: ['--test-name-pattern=x'], showOutput: false,
  });
});

function dirs(): { base: string; tmpDir: string; scratchDir: string; done: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'nsbox-runner-test-'));
  return { base, tmpDir: join(base, 't'), scratchDir: join(base, 's'), done: () => rmSync(base, { recursive: true, force: true }) };
}

test('the watchdog kills a hanging file, its child and the daemon it started, before removing its directories', async () => {
  const d = dirs();
  const pidsFile = join(d.base, 'pids');
  const token = `runner-test-${process.pid}-hang`;
  try {
    const started = Date.now();
    const r = await runFile({ path: fixture('hang'), token, tmpDir: d.tmpDir, scratchDir: d.scratchDir, timeoutMs: 3000, env: { ...process.env, RUNNER_FIXTURE_PIDS: pidsFile } });
    assert.equal(r.status, 'timeout');
    assert.ok(Date.now() - started < 15_000, 'the file ends soon after its timeout');
    const pids = readFileSync(pidsFile, 'utf8').trim().split(' ').map(Number);
    assert.equal(pids.length, 2, 'the fixture saw its child and its daemon');
    assert.deepEqual(pids.filter(alive), [], 'child and daemon are gone');
    assert.ok(pids.every((pid) => r.killed.includes(pid)), `killed ${r.killed.join(' ')}`);
    assert.deepEqual(carriersOf(processTable(), token), []);
    assert.equal(existsSync(d.tmpDir) || existsSync(d.scratchDir), false, 'its directories are removed');
    assert.match(r.output, /\[runner\] timed out after 3 s/);
  } finally {
    d.done();
  }
});

test('a file that passes but leaves a file in its TMPDIR and a process running fails, naming both; the process is ended', async () => {
  const d = dirs();
  const token = `runner-test-${process.pid}-leaves`;
  try {
    const r = await runFile({ path: fixture('leaves'), token, tmpDir: d.tmpDir, scratchDir: d.scratchDir, timeoutMs: 30_000 });
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.status, 'fail');
    assert.equal(r.leftovers.length, 2, r.leftovers.join('\n'));
    assert.match(r.leftovers.join('\n'), /processes still running after the file ended/);
    assert.ok(r.leftovers.includes(join(d.tmpDir, 'nsbox-forgotten')));
    assert.equal(r.killed.length, 1);
    assert.equal(alive(r.killed[0]!), false);
    assert.deepEqual(carriersOf(processTable(), token), []);
  } finally {
    d.done();
  }
});

test('a file\'s passed and failed tests are counted from its output', async () => {
  const d = dirs();
  try {
    const r = await runFile({ path: fixture('passes'), token: `runner-test-${process.pid}-passes`, tmpDir: d.tmpDir, scratchDir: d.scratchDir, timeoutMs: 30_000 });
    assert.equal(r.status, 'fail');
    assert.deepEqual([r.passed, r.failed], [2, 1]);
  } finally {
    d.done();
  }
});

test('the watchdog ends a hanging file\'s container (helper and payload), its registration and cgroups, then removes its tree', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  const d = dirs();
  const pidsFile = join(d.base, 'pids');
  try {
    const r = await runFile({
      path: fixture('hang-container'), token: `runner-test-${process.pid}-container`, tmpDir: d.tmpDir, scratchDir: d.scratchDir,
      timeoutMs: 8000, env: { ...process.env, RUNNER_FIXTURE_PIDS: pidsFile },
    });
    assert.equal(r.status, 'timeout', r.output);
    const [machine, ...pids] = readFileSync(pidsFile, 'utf8').trim().split(' ');
    assert.ok(pids.length >= 2, 'the fixture saw the launcher and what it started');
    assert.deepEqual(pids.map(Number).filter(alive), [], 'no process of the container is left');
    assert.equal(existsSync(`/run/nsbox/machines/${machine}`), false, 'its registration is gone');
    const cgroups = ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup']
      .flatMap((dir) => { try { return readdirSync(dir).filter((n) => n.includes(machine!)); } catch { return []; } });
    assert.deepEqual(cgroups, [], 'its cgroups are gone');
    assert.equal(existsSync(d.tmpDir), false, 'its tree is removed, after all of that');
  } finally {
    d.done();
  }
});
