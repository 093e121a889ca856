// Runs one reference command to completion from this Node process, the way a Node user would.
import { spawn } from 'node:child_process';

/**
 * Resolves when `cmd` exits 0; rejects with its stderr otherwise. stdin/stdout go to /dev/null and
 * stderr to a pipe — the same stdio every tool gets, nsbox included, so no one pays for a pipe
 * the others skip.
 */
export function runToCompletion(cmd: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on('error', reject);
    // Success at 'exit', like nsbox's `exited`, so no tool waits an extra event-loop turn for
    // 'close'; a failure waits for 'close' so its message has all of stderr.
    child.on('exit', (code) => {
      if (code === 0) resolve();
    });
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`${cmd} exited ${signal ?? code}: ${stderr.trim()}`));
    });
  });
}
