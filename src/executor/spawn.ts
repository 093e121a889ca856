// Starts a plan: spawns the native helper with the encoded plan on fd 3 and its reports on fd 4.
// Resolves once the payload has been exec'd; rejects with SandboxSetupError naming what failed.
import { spawn as spawnProcess, type StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Plan } from '../plan/types.js';
import { encodePlan } from '../plan/wire.js';
import { HelperError } from '../errors.js';
import { helperPath } from './helper-path.js';
import { decodeReports, setupError } from './reports.js';
import { notifyMessages } from './notify-relay.js';
import type { ExitStatus, SandboxProcess, SpawnOptions, StdioSetting } from './types.js';

function stdioOf(options: SpawnOptions): StdioOptions {
  const s = options.stdio ?? 'pipe';
  const three: readonly StdioSetting[] = typeof s === 'object' ? s : [s, s, s];
  return [...three, 'pipe', 'pipe', ...(options.extraFds ?? []), ...(options.notifications ? ['pipe' as const] : [])];
}

export async function spawn(plan: Plan, options: SpawnOptions = {}): Promise<SandboxProcess> {
  const wire = encodePlan(plan);
  const nExtra = options.extraFds?.length ?? 0;
  const args = [`--extra-fds=${nExtra}`, '--report-fd=4'];
  if (options.notifications) args.push(`--notify-relay-fd=${5 + nExtra}`);
  // Tests run the helper's pre-6.15 mount path on newer kernels too (it is what Debian 12's 6.1 takes).
  if (process.env['NSBOX_LEGACY_MOUNT_CLONE'] === '1') args.push('--legacy-mount-clone');
  // Without NOTIFY_SOCKET: the helper sends READY=1 there (nspawn's readiness, for a manager that
  // started nsbox). A Node program spawning sandboxes is not that, and its own manager must not
  // hear from them. The payload's environment comes from the plan either way.
  const { NOTIFY_SOCKET: _notify, ...env } = process.env;
  const child = spawnProcess(helperPath, args, { stdio: stdioOf(options), env });
  const planStream = child.stdio[3] as Writable;
  const reportStream = child.stdio[4] as Readable;
  const relayStream = options.notifications ? (child.stdio[5 + nExtra] as Readable) : undefined;

  const exited = new Promise<ExitStatus>((resolve, reject) => {
    child.once('error', (err) => reject(new HelperError(`cannot start the helper: ${err.message}`, helperPath)));
    child.once('exit', (code, signal) =>
      resolve(signal ? { kind: 'signaled', signal } : { kind: 'exited', code: code ?? 0 }),
    );
  });
  // A helper that dies before reading the whole plan closes the pipe under us: the report says why.
  planStream.on('error', () => {});
  planStream.end(wire);

  const chunks: Buffer[] = [];
  reportStream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    reportStream.once('end', resolve);
    reportStream.once('error', reject);
    child.once('error', (err) => reject(new HelperError(`cannot start the helper: ${err.message}`, helperPath)));
  });

  const reports = decodeReports(Buffer.concat(chunks));
  const error = reports.find((r) => r.type === 'error');
  if (error?.type === 'error') {
    await exited.catch(() => undefined);
    throw setupError(plan, error);
  }
  const pidReport = reports.find((r) => r.type === 'pid');
  if (pidReport?.type !== 'pid') {
    const status = await exited;
    throw new HelperError(`the helper ended without starting the payload (${JSON.stringify(status)})`, helperPath);
  }
  return {
    pid: pidReport.pid,
    helperPid: child.pid ?? -1,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    ...(relayStream ? { notifications: notifyMessages(relayStream) } : {}),
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
}
