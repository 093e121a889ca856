// A real `nsbox daemon` for a test file: scratch runtime and state directories, the unit path the
// test names, `nsbox systemctl`/`journalctl` run as a user types them, and a stop that waits.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NSBOX_BIN } from './nspawn-cli.js';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestDaemon {
  readonly env: NodeJS.ProcessEnv;
  readonly child: ChildProcess;
  /** `nsbox ARGS...` with the daemon's environment. */
  run(...args: string[]): Run;
  systemctl(...args: string[]): Run;
  log(): string;
  /** SIGTERM, and wait for the exit (the daemon stops its services first). */
  stop(): Promise<void>;
}

/** Starts `nsbox daemon` with SYSTEMD_UNIT_PATH=unitPath and its directories below scratch. */
export async function startTestDaemon(scratch: string, unitPath: string): Promise<TestDaemon> {
  const env = { ...process.env, SYSTEMD_UNIT_PATH: unitPath, NSBOX_RUNTIME_DIR: join(scratch, 'run'), NSBOX_STATE_DIR: join(scratch, 'state') };
  const socket = join(scratch, 'run/manager.sock');
  rmSync(socket, { force: true });
  let log = '';
  const child = spawn(process.execPath, [NSBOX_BIN, 'daemon'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  for (let i = 0; i < 200 && !existsSync(socket); i++) await sleep(25);
  assert.ok(existsSync(socket), `the daemon listens: ${log}`);
  const run = (...args: string[]): Run => {
    const r = spawnSync(process.execPath, [NSBOX_BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    env, child, run,
    systemctl: (...args) => run('systemctl', ...args),
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A unit's cgroup directories below this process's own cgroups (where the daemon, our child, makes them). */
export function cgroupDirsOf(unit: string): string[] {
  const own = new Map(readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean).map((l) => [l.split(':')[1]!, l.split(':')[2]!]));
  const candidates = [['/sys/fs/cgroup/systemd', own.get('name=systemd')], ['/sys/fs/cgroup/unified', own.get('')], ['/sys/fs/cgroup', own.get('')]] as const;
  return candidates.filter(([, path]) => path !== undefined).map(([root, path]) => join(root, path!, unit)).filter((d) => existsSync(join(d, 'cgroup.procs')));
}
