// `npm test [-- FILTER... --jobs=N --timeout=SECONDS --show-output NODE_TEST_FLAGS...]`, after
// tools/run-tests.mjs has built everything: the setup step, then every test file in its own
// process, `jobs` at a time under a watchdog, then the summary.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findTestFiles, type TestFile } from './files.js';
import { LeftoverTracker, type Blame } from './leftovers.js';
import { runFile, type FileResult } from './run-file.js';
import { runPool, startOrder } from './schedule.js';
import { setUp } from './setup.js';

export interface RunnerOptions {
  readonly filters: readonly string[];
  readonly jobs: number;
  readonly timeoutMs: number;
  readonly nodeArgs: readonly string[];
  readonly showOutput: boolean;
}

export function parseArgs(args: readonly string[]): RunnerOptions {
  let jobs = 2;
  let timeoutMs = 300_000;
  let showOutput = false;
  const filters: string[] = [];
  const nodeArgs: string[] = [];
  for (const arg of args) {
    const m = /^--(jobs|timeout)=(\d+)$/.exec(arg);
    if (m?.[1] === 'jobs') jobs = Math.max(1, Number(m[2]));
    else if (m?.[1] === 'timeout') timeoutMs = Number(m[2]) * 1000;
    else if (arg === '--show-output') showOutput = true;
    else if (arg.startsWith('-')) nodeArgs.push(arg);
    else filters.push(arg);
  }
  return { filters, jobs, timeoutMs, nodeArgs, showOutput };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function formatSummary(results: ReadonlyMap<TestFile, FileResult>, blames: readonly Blame[], wallMs: number, setupMs: number): string {
  const rows = [...results.entries()].sort(([a], [b]) => a.name.localeCompare(b.name));
  const out: string[] = ['', '# files'];
  for (const [file, r] of rows) {
    out.push(`${r.status.padEnd(7)} ${seconds(r.durationMs).padStart(8)}  ${String(r.passed).padStart(4)} pass ${String(r.failed).padStart(3)} fail  ${file.name}`);
  }
  const bad = rows.filter(([, r]) => r.status !== 'pass');
  for (const [file, r] of bad) {
    out.push('', `# ${r.status}: ${file.name} (exit ${r.signal ?? r.exitCode ?? '-'})`, r.output.trimEnd());
    if (r.leftovers.length > 0) out.push(`[runner] left behind by ${file.name} (each test must clean up after itself):`, ...r.leftovers.map((x) => `  ${x}`));
  }
  if (blames.length > 0) {
    out.push('', '# left behind in shared places (each test must clean up after itself):');
    // Nothing names its maker here: a machine shared with another run (another checkout's tests)
    // shows their things too, so say what is known and no more.
    out.push('  (each appeared while the files named ran; on a machine shared with other work, that work may have made it)');
    for (const b of blames) out.push(`  ${b.item}  <- ${b.suspects.join(', ') || 'no test file was running'}`);
  }
  const count = (s: string): number => rows.filter(([, r]) => r.status === s).length;
  const tests = rows.reduce((n, [, r]) => n + r.passed, 0);
  const failedTests = rows.reduce((n, [, r]) => n + r.failed, 0);
  out.push('', `# ${rows.length} files: ${count('pass')} passed, ${count('fail')} failed, ${count('timeout')} timed out; ` +
    `${tests} tests passed, ${failedTests} failed; setup ${seconds(setupMs)}, total ${seconds(wallMs)}`);
  return out.join('\n') + '\n';
}

export async function main(top: string, args: readonly string[]): Promise<number> {
  const started = Date.now();
  const options = parseArgs(args);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const files = findTestFiles(top, options.filters);
  if (files.length === 0) {
    say(`no test file matches ${options.filters.join(' ')}`);
    return 1;
  }
  if (!(await setUp(files, say))) return 1;
  const setupMs = Date.now() - started;

  const durationsFile = join(top, 'dist/.test-durations.json');
  let previous: Record<string, number> = {};
  try {
    previous = JSON.parse(readFileSync(durationsFile, 'utf8')) as Record<string, number>;
  } catch {
    // first run
  }
  // Made before the tracker's first look, and named so that no leftover check counts them.
  const runDirs = [join('/tmp', `nsbox-suite-${process.pid}`), join('/var/tmp', `nsbox-suite-${process.pid}`)] as const;
  for (const dir of runDirs) mkdirSync(dir, { recursive: true });
  const tracker = new LeftoverTracker();
  const ticker = setInterval(() => tracker.poll(), 1000);
  const isRoot = process.getuid?.() === 0;
  say(`running ${files.length} test files, ${options.jobs} at a time (watchdog ${options.timeoutMs / 1000} s a file)`);
  let index = 0;
  let done = 0;
  const results = await runPool(startOrder(files, previous), options.jobs, async (file) => {
    const n = index++;
    tracker.started(file.name);
    const fileStarted = Date.now();
    const r = await runFile({
      path: file.path,
      token: `${process.pid}-${n}`,
      tmpDir: join(runDirs[0], String(n)),
      scratchDir: join(runDirs[1], String(n)),
      timeoutMs: options.timeoutMs,
      nodeArgs: options.nodeArgs,
      ownMountNamespace: isRoot,
    }).catch((err: unknown): FileResult => ({
      // The runner's own failure (a directory it could not make): this file's, not the run's.
      status: 'fail', exitCode: null, signal: null, durationMs: Date.now() - fileStarted, output: `[runner] ${String(err)}\n`,
      passed: 0, failed: 0, leftovers: [], killed: [], cgroupsRemoved: [],
    }));
    tracker.ended(file.name);
    done++;
    say(`[${String(done).padStart(3)}/${files.length}] ${r.status.padEnd(7)} ${seconds(r.durationMs).padStart(8)}  ${file.name}`);
    if (options.showOutput) say(r.output);
    return r;
  });
  clearInterval(ticker);
  const blames = tracker.verdict();
  for (const dir of runDirs) rmSync(dir, { recursive: true, force: true });
  writeFileSync(durationsFile, JSON.stringify({ ...previous, ...Object.fromEntries([...results].map(([f, r]) => [f.name, r.durationMs])) }, null, 1));
  process.stdout.write(formatSummary(results, blames, Date.now() - started, setupMs));
  const ok = [...results.values()].every((r) => r.status === 'pass') && blames.length === 0;
  return ok ? 0 : 1;
}
