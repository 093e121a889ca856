// Runs the real `nsbox` command as a user does (bin/nsbox.cjs through its #! line, so the launcher
// and the hand-over to the helper are what is tested) and collects what it printed. Shared by the
// nspawn and boot kernel tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killProcessTree } from '../runner/procs.js';

export const NSBOX_BIN = fileURLToPath(new URL('../../../bin/nsbox.cjs', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
}

const runningBoxes = new Set<Running>();

/**
 * Ends every container this file started that is still running: the launcher, the helper, the
 * container's init and everything below, at once (SIGKILL), and the cgroups they sat in. Call it
 * in after() BEFORE removing a tree: a test cancelled by its timeout never reaches its finally,
 * and a container left running on a deleted tree keeps its helper alive forever.
 */
export async function stopAllBoxes(): Promise<void> {
  for (const box of [...runningBoxes]) {
    if (box.child.pid !== undefined && box.child.exitCode === null && box.child.signalCode === null) await killProcessTree(box.child.pid);
    await box.done.catch(() => undefined);
    runningBoxes.delete(box);
  }
}

export function startNsbox(args: readonly string[], input?: string, env: NodeJS.ProcessEnv = process.env): Running {
  // The launcher execs `node` from PATH: make that the node running the tests.
  const path = `${dirname(process.execPath)}:${env['PATH'] ?? '/usr/bin:/bin'}`;
  const child = spawn(NSBOX_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, PATH: path } });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end(input ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    // A pty relay writes \r\n; tests compare lines.
    child.on('close', (code, signal) => resolve({ code, signal, stdout: stdout.replaceAll('\r\n', '\n'), stderr }));
  });
  const box = { child, done };
  runningBoxes.add(box);
  void done.finally(() => runningBoxes.delete(box)).catch(() => undefined);
  return box;
}

export const nsbox = (args: readonly string[], input?: string): Promise<CliResult> => startNsbox(args, input).done;

/** `nsbox nspawn -q -P -D root --register=no sh -c script`: clean stdio for fact checks. */
export const inBox = (root: string, script: string, options: readonly string[] = []): Promise<CliResult> =>
  nsbox(['nspawn', '-q', '-P', '--register=no', '-D', root, ...options, '/bin/sh', '-c', script]);
