// One test file in its own process (and, as root, its own mount namespace), with a watchdog.
//
// The file runs as `node --test FILE` in a process group of its own, with its own TMPDIR and
// scratch directory (NSBOX_TEST_SCRATCH, for trees too big for /tmp) and a token in its
// environment that every process it starts inherits. When the file ends (or the watchdog fires),
// the runner first ends every process it left (containers included), then removes the cgroups
// they sat in, and only then its directories: a container must never be left running on a tree
// that is being deleted.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killFileProcesses, processesOf, processTable, TOKEN_VARIABLE } from './procs.js';

export type FileStatus = 'pass' | 'fail' | 'timeout';

export interface FileResult {
  readonly status: FileStatus;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
  readonly passed: number;
  readonly failed: number;
  /** What the file left in its own directories, or processes still running after it ended. */
  readonly leftovers: readonly string[];
  /** What the watchdog (or the leftover sweep) ended. */
  readonly killed: readonly number[];
  readonly cgroupsRemoved: readonly string[];
}

export interface RunFileOptions {
  readonly path: string;
  readonly token: string;
  /** The file's own TMPDIR, and its directory for big trees (a disk, not a tmpfs); both removed afterwards. */
  readonly tmpDir: string;
  readonly scratchDir: string;
  readonly timeoutMs: number;
  readonly nodeArgs?: readonly string[];
  /** Run in a private mount namespace of its own (root only). */
  readonly ownMountNamespace?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** `ℹ pass N` / `ℹ fail N` from the spec reporter's closing lines. */
export function countsFromOutput(output: string): { passed: number; failed: number } {
  const num = (word: string): number => Number(new RegExp(`^\\S* ?${word} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
  return { passed: num('pass'), failed: num('fail') };
}

function listAll(dir: string): string[] {
  try {
    return readdirSync(dir).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

export async function runFile(options: RunFileOptions): Promise<FileResult> {
  const tmp = options.tmpDir;
  const scratch = options.scratchDir;
  for (const dir of [tmp, scratch]) {
    mkdirSync(dir, { recursive: true });
    // Sandboxed users (nobody, a test user) must be able to reach what tests bind from here.
    chmodSync(dir, 0o755);
  }
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), TMPDIR: tmp, NSBOX_TEST_SCRATCH: scratch, [TOKEN_VARIABLE]: options.token };
  // Set when the runner itself runs under `node --test` (its own test): it would make the file's
  // test runner report to a parent that is not listening, in a format the summary cannot count.
  delete env['NODE_TEST_CONTEXT'];
  const nodeArgv = ['--test', '--test-reporter=spec', ...(options.nodeArgs ?? []), options.path];
  const [cmd, args] = options.ownMountNamespace === true
    ? ['unshare', ['-m', '--propagation', 'private', process.execPath, ...nodeArgv]]
    : [process.execPath, nodeArgv];
  const started = Date.now();
  // detached: a process group of its own, so the watchdog can find what it started.
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (err) => {
      output += `\n${String(err)}\n`;
      resolve({ code: null, signal: null });
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.timeoutMs)));
  const first = await Promise.race([exited, timedOut]);
  clearTimeout(timer);

  let killed: readonly number[] = [];
  let cgroupsRemoved: readonly string[] = [];
  const leftovers: string[] = [];
  if (first === 'timeout') {
    // Everything the file started goes first; its directories only after.
    const k = await killFileProcesses(child.pid, options.token);
    killed = k.killed;
    cgroupsRemoved = k.cgroupsRemoved;
    leftovers.push(...k.survivors.map((pid) => `process ${pid} survived SIGKILL`));
    await exited;
    output += `\n[runner] timed out after ${Math.round(options.timeoutMs / 1000)} s: killed ${k.killed.length} processes of this file` +
      (k.cgroupsRemoved.length > 0 ? ` and removed ${k.cgroupsRemoved.join(', ')}` : '') + '\n';
  } else {
    // The helper's own cleanup finishes a moment after the file's last await: give it that moment.
    let left = [...processesOf(processTable(), undefined, options.token)];
    for (let i = 0; i < 40 && left.length > 0; i++) {
      await sleep(50);
      left = [...processesOf(processTable(), undefined, options.token)];
    }
    if (left.length > 0) {
      const k = await killFileProcesses(undefined, options.token);
      killed = k.killed;
      cgroupsRemoved = k.cgroupsRemoved;
      leftovers.push(`${k.killed.length} processes still running after the file ended (killed: ${k.killed.join(' ')})`);
    }
  }
  // Only a file that ended on its own is held to leaving its directories empty: one killed by the
  // watchdog never got to run its after() hooks.
  if (first !== 'timeout') leftovers.push(...listAll(tmp), ...listAll(scratch));
  for (const dir of [tmp, scratch]) rmSync(dir, { recursive: true, force: true });
  const { code, signal } = first === 'timeout' ? { code: null, signal: null } : first;
  const counts = countsFromOutput(output);
  const status: FileStatus = first === 'timeout' ? 'timeout' : code === 0 && leftovers.length === 0 ? 'pass' : 'fail';
  return { status, exitCode: code, signal, durationMs: Date.now() - started, output, ...counts, leftovers, killed, cgroupsRemoved };
}
