// Runs the real `nsbox` command (bin/nsbox.js, so the hand-over to the helper is what is tested)
// and collects what it printed. Shared by the nspawn and boot kernel tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const NSBOX_BIN = fileURLToPath(new URL('../../../bin/nsbox.js', import.meta.url));

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
  const child = spawn(process.execPath, [NSBOX_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
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
