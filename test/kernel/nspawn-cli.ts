// Runs the real `nsbox` command as a user does (bin/nsbox.cjs through its #! line, so the launcher
// and the hand-over to the helper are what is tested) and collects what it printed. Shared by the
// nspawn and boot kernel tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  return { child, done };
}

export const nsbox = (args: readonly string[], input?: string): Promise<CliResult> => startNsbox(args, input).done;

/** `nsbox nspawn -q -P -D root --register=no sh -c script`: clean stdio for fact checks. */
export const inBox = (root: string, script: string, options: readonly string[] = []): Promise<CliResult> =>
  nsbox(['nspawn', '-q', '-P', '--register=no', '-D', root, ...options, '/bin/sh', '-c', script]);
