// Booting a tree with `nsbox nspawn -b` and reaching into it: the container's PID 1 is the child
// of the nsbox process (which became the helper), entered with nsenter.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function containerInit(supervisorPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${supervisorPid}/task/${supervisorPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.find((pid) => /^NSpid:\s+\d+\s+1$/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')));
  } catch {
    return undefined;
  }
}

export function enter(pid: number, command: readonly string[], timeoutMs = 20000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('nsenter', ['-t', String(pid), '-a', ...command], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 255;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls until `check` returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Waits for the container's init and for `systemctl is-system-running` to settle. */
export async function waitForSystemd(supervisorPid: number): Promise<{ pid: number; state: string }> {
  const pid = await waitFor('the container init', () => containerInit(supervisorPid), 20000);
  const state = await waitFor('systemd to finish booting', async () => {
    const r = await enter(pid, ['systemctl', 'is-system-running']);
    const s = r.stdout.trim();
    return ['running', 'degraded', 'maintenance', 'stopping'].includes(s) ? s : undefined;
  });
  return { pid, state };
}
