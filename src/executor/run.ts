// Runs a plan to completion and collects its output: the common case for tests and one-shots.
import type { Plan } from '../plan/types.js';
import { spawn } from './spawn.js';
import type { ExitStatus } from './types.js';

export interface RunResult {
  readonly status: ExitStatus;
  readonly stdout: string;
  readonly stderr: string;
}

export async function run(plan: Plan, input?: string): Promise<RunResult> {
  const sandbox = await spawn(plan, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) sandbox.stdin?.end(input);
  const collect = (stream: NodeJS.ReadableStream | null): Promise<string> =>
    new Promise((resolve) => {
      if (!stream) return resolve('');
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (d: string) => (text += d));
      stream.on('end', () => resolve(text));
    });
  const [stdout, stderr, status] = await Promise.all([collect(sandbox.stdout), collect(sandbox.stderr), sandbox.exited]);
  return { status, stdout, stderr };
}
