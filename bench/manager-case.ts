// The service manager against systemd 252 (issue 10's "Proof"), side by side in one run:
// N sandboxed oneshots started with one `systemctl start`, N sandboxed `sleep infinity` started
// and then stopped the same way, the memory of everything nsbox adds (the daemon and its helper
// processes, not the services' own) idle and with N running against systemd's PID 1, and
// status/is-active round trips. systemd 252 runs booted in systemd-nspawn on a copy of the cached
// Debian tree with the same unit files; its commands run through nsenter. Off by default
// (`--only manager`); `--services N` (500; 5000 for the scale run).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyDebianTree, findContainerInit } from '../test/fixtures/debian-tree.js';
import { joinSlotScript, type CgroupSlot } from '../test/fixtures/cgroup-slot.js';
import type { BenchCase, ToolSamples } from './cases.js';
import { NSBOX_BIN } from './cli-case.js';
import { now } from './samples.js';

const SANDBOX = 'ReadOnlyPaths=/usr\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nNoNewPrivileges=yes\nPrivateDevices=yes\n';
export const ONESHOT_UNIT = `[Service]\nType=oneshot\nExecStart=/bin/true\n${SANDBOX}`;
export const SLEEPER_UNIT = `[Service]\nExecStart=/bin/sleep infinity\n${SANDBOX}`;
const NSBOX = 'nsbox';
const SYSTEMD = 'systemd 252 (booted in systemd-nspawn)';

const oneshots = (n: number): string[] => Array.from({ length: n }, (_, i) => `bench-oneshot-${i}.service`);
const sleepers = (n: number): string[] => Array.from({ length: n }, (_, i) => `bench-sleep-${i}.service`);

function writeUnits(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (const name of oneshots(n)) writeFileSync(join(dir, name), ONESHOT_UNIT);
  for (const name of sleepers(n)) writeFileSync(join(dir, name), SLEEPER_UNIT);
}

/** Runs a command to its end; resolves with its wall time in ms, rejects unless it exits with one of `ok`. */
function timed(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, ok: readonly number[] = [0]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = now() - start;
      if (code !== null && ok.includes(code)) resolve(ms);
      else reject(new Error(`${cmd} ${args.slice(0, 6).join(' ')}… exited ${signal ?? code}: ${stderr.trim()}`));
    });
  });
}

/** VmRSS and Pss (smaps_rollup) of a process, in KiB; zeros for one that is gone. */
function memoryOf(pid: number): { rss: number; pss: number } {
  try {
    const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    const pss = Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    return { rss, pss };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * What nsbox adds: the daemon, every process below it that runs nsbox's own code (Node, the
 * helper), and any helper started for this daemon that left its tree (a resident supervisor runs
 * in its own session: found by the runtime directory on its command line), with their nsbox
 * descendants; never the services' own processes. Returns the sums in KiB and how many processes.
 */
export function nsboxMemory(daemonPid: number, runtimeDir: string): { rss: number; pss: number; processes: number } {
  const exeOf = (pid: number): string => {
    try {
      return readlinkSync(`/proc/${pid}/exe`);
    } catch {
      return '';
    }
  };
  const isNsbox = (exe: string): boolean => /\/nsbox-helper$|\/node$/.test(exe);
  const roots = [daemonPid];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === daemonPid) continue;
    try {
      if (/\/nsbox-helper$/.test(exeOf(Number(name))) && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(runtimeDir)) roots.push(Number(name));
    } catch {
      // gone while we looked
    }
  }
  const own = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (own.has(pid)) continue;
    const exe = exeOf(pid);
    if (exe === '') continue;
    if (roots.includes(pid) || isNsbox(exe)) own.add(pid);
    queue.push(...childrenOf(pid));
  }
  let rss = 0;
  let pss = 0;
  for (const pid of own) {
    const m = memoryOf(pid);
    rss += m.rss;
    pss += m.pss;
  }
  return { rss, pss, processes: own.size };
}

/** One GET over the control socket; resolves with the client's round trip and the daemon's Server-Timing, in ms. */
function roundTrip(socketPath: string, path: string): Promise<{ client: number; server: number }> {
  return new Promise((resolve, reject) => {
    const start = now();
    const req = request({ socketPath, path, method: 'GET', agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const server = Number(/dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''))?.[1] ?? NaN);
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
        else resolve({ client: now() - start, server });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts a process from a cgroup slot (REFERENCES.md's trick), in the background. */
function spawnFromCgroup(cgroup: CgroupSlot, cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, onStderr: (text: string) => void): ChildProcess {
  const child = spawn('sh', ['-c', joinSlotScript(cgroup), 'sh', cmd, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', onStderr);
  return child;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

const mb = (kibValue: number): number => Math.round((kibValue / 1024) * 100) / 100;

interface Side {
  startOneshots?: number;
  startSleepers?: number;
  stopSleepers?: number;
  idle?: { rss: number; pss: number; processes?: number };
  running?: { rss: number; pss: number; processes?: number };
  isActiveCli: number[];
  statusCli: number[];
  error?: string;
}

async function measureNsbox(n: number, trips: number, cgroup: CgroupSlot, log: (l: string) => void): Promise<Side & { apiClient: number[]; apiServer: number[] }> {
  const scratch = mkdtempSync(join(tmpdir(), 'nsbox-bench-manager-'));
  const units = join(scratch, 'units');
  writeUnits(units, n);
  const env = { ...process.env, SYSTEMD_UNIT_PATH: units, NSBOX_RUNTIME_DIR: join(scratch, 'run'), NSBOX_STATE_DIR: join(scratch, 'state') };
  const socketPath = join(scratch, 'run', 'manager.sock');
  let daemonLog = '';
  const daemon = spawnFromCgroup(cgroup, NSBOX_BIN, ['daemon'], env, (t) => (daemonLog = (daemonLog + t).slice(-4000)));
  const side: Side & { apiClient: number[]; apiServer: number[] } = { isActiveCli: [], statusCli: [], apiClient: [], apiServer: [] };
  const systemctl = (...args: string[]): Promise<number> => timed(NSBOX_BIN, ['systemctl', ...args], env);
  try {
    for (let i = 0; i < 400; i++) {
      try {
        await roundTrip(socketPath, '/v1/units');
        break;
      } catch {
        await sleep(25);
      }
    }
    await sleep(500);
    side.idle = nsboxMemory(daemon.pid!, env.NSBOX_RUNTIME_DIR);
    log(`  nsbox: daemon idle ${mb(side.idle.rss)} MB RSS (${side.idle.processes} processes)`);
    side.startOneshots = await systemctl('start', ...oneshots(n));
    log(`  nsbox: ${n} oneshots ${side.startOneshots.toFixed(0)} ms`);
    side.startSleepers = await systemctl('start', ...sleepers(n));
    log(`  nsbox: ${n} sleepers started ${side.startSleepers.toFixed(0)} ms`);
    await sleep(500);
    side.running = nsboxMemory(daemon.pid!, env.NSBOX_RUNTIME_DIR);
    log(`  nsbox: ${mb(side.running.rss)} MB RSS with ${n} running (${side.running.processes} processes)`);
    const unit = `/v1/units/${sleepers(1)[0]}`;
    for (let i = 0; i < trips; i++) {
      const t = await roundTrip(socketPath, unit);
      side.apiClient.push(t.client);
      side.apiServer.push(t.server);
    }
    for (let i = 0; i < Math.max(5, Math.floor(trips / 10)); i++) {
      side.isActiveCli.push(await systemctl('is-active', '-q', sleepers(1)[0]!));
      side.statusCli.push(await systemctl('status', '--no-pager', sleepers(1)[0]!));
    }
    side.stopSleepers = await systemctl('stop', ...sleepers(n));
    log(`  nsbox: ${n} sleepers stopped ${side.stopSleepers.toFixed(0)} ms`);
  } catch (e) {
    side.error = `${(e as Error).message}; daemon: ${daemonLog.trim().split('\n').slice(-3).join(' / ')}`;
  } finally {
    daemon.kill('SIGTERM');
    await exited(daemon);
    rmSync(scratch, { recursive: true, force: true });
  }
  return side;
}

async function measureSystemd(n: number, trips: number, cgroup: CgroupSlot, log: (l: string) => void): Promise<Side> {
  const side: Side = { isActiveCli: [], statusCli: [] };
  const copy = await copyDebianTree();
  let nspawnLog = '';
  let nspawn: ChildProcess | undefined;
  try {
    writeUnits(join(copy.root, 'etc/systemd/system'), n);
    nspawn = spawnFromCgroup(cgroup, 'systemd-nspawn', ['--register=no', '--keep-unit', '-q', '-D', copy.root, '-b'], process.env, (t) => (nspawnLog = (nspawnLog + t).slice(-4000)));
    let init: number | undefined;
    for (let i = 0; i < 300 && init === undefined; i++) {
      await sleep(100);
      init = findContainerInit(nspawn.pid!);
    }
    if (init === undefined) throw new Error(`systemd did not start: ${nspawnLog}`);
    const inside = (...args: string[]): string[] => ['-t', String(init), '-a', ...args];
    for (let i = 0; i < 300; i++) {
      const state = await new Promise<string>((resolve) => {
        const c = spawn('nsenter', inside('systemctl', 'is-system-running'), { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        c.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        c.on('close', () => resolve(out.trim()));
      });
      if (state === 'running' || state === 'degraded') break;
      await sleep(100);
    }
    await sleep(500);
    side.idle = memoryOf(init);
    log(`  systemd: PID 1 idle ${mb(side.idle.rss)} MB RSS`);
    side.startOneshots = await timed('nsenter', inside('systemctl', 'start', ...oneshots(n)));
    log(`  systemd: ${n} oneshots ${side.startOneshots.toFixed(0)} ms`);
    side.startSleepers = await timed('nsenter', inside('systemctl', 'start', ...sleepers(n)));
    log(`  systemd: ${n} sleepers started ${side.startSleepers.toFixed(0)} ms`);
    await sleep(500);
    side.running = memoryOf(init);
    log(`  systemd: PID 1 ${mb(side.running.rss)} MB RSS with ${n} running`);
    for (let i = 0; i < Math.max(5, Math.floor(trips / 10)); i++) {
      side.isActiveCli.push(await timed('nsenter', inside('systemctl', 'is-active', '-q', sleepers(1)[0]!)));
      side.statusCli.push(await timed('nsenter', inside('systemctl', 'status', '--no-pager', sleepers(1)[0]!)));
    }
    side.stopSleepers = await timed('nsenter', inside('systemctl', 'stop', ...sleepers(n)));
    log(`  systemd: ${n} sleepers stopped ${side.stopSleepers.toFixed(0)} ms`);
  } catch (e) {
    side.error = (e as Error).message;
  } finally {
    if (nspawn !== undefined) {
      // nspawn turns SIGTERM into SIGRTMIN+3: systemd shuts down cleanly.
      nspawn.kill('SIGTERM');
      const done = exited(nspawn);
      if (await Promise.race([done.then(() => true), sleep(60_000).then(() => false)]) === false) nspawn.kill('SIGKILL');
      await done;
    }
    copy.remove();
  }
  return side;
}

function rows(tool: string, side: Side, n: number): ToolSamples[] {
  const one = (measure: string, value: number | undefined, unit?: string): ToolSamples =>
    value === undefined || side.error !== undefined
      ? { tool, measure, samplesMs: [], error: side.error ?? 'not measured', ...(unit !== undefined ? { unit } : {}) }
      : { tool, measure, samplesMs: [value], ...(unit !== undefined ? { unit } : {}) };
  const many = (measure: string, values: number[]): ToolSamples =>
    values.length === 0 ? { tool, measure, samplesMs: [], error: side.error ?? 'not measured' } : { tool, measure, samplesMs: values };
  const perService = (k: 'rss' | 'pss'): number | undefined => (side.idle !== undefined && side.running !== undefined ? Math.round(((side.running[k] - side.idle[k]) / n) * 10) / 10 : undefined);
  return [
    one(`start ${n} sandboxed oneshots (one systemctl start)`, side.startOneshots),
    one(`start ${n} sandboxed sleep infinity`, side.startSleepers),
    one(`stop ${n} sandboxed sleep infinity`, side.stopSleepers),
    one('memory idle, RSS', side.idle && mb(side.idle.rss), 'MB'),
    one('memory idle, PSS', side.idle && mb(side.idle.pss), 'MB'),
    one(`memory with ${n} running, RSS`, side.running && mb(side.running.rss), 'MB'),
    one(`memory with ${n} running, PSS`, side.running && mb(side.running.pss), 'MB'),
    one('RSS per running service', perService('rss'), 'KiB'),
    one('PSS per running service', perService('pss'), 'KiB'),
    many('systemctl is-active (command)', side.isActiveCli),
    many('systemctl status (command)', side.statusCli),
  ];
}

export const managerServices: BenchCase = {
  name: 'manager',
  label: (settings) => `manager, ${settings.services} services`,
  perSandbox: false,
  byDefault: false,
  slotsNeeded: () => 2,
  async measure({ slots, settings, log, selected }) {
    const n = settings.services;
    const results: ToolSamples[] = [];
    if (selected(NSBOX)) {
      const side = await measureNsbox(n, settings.roundTrips, slots.slot(0).cgroup, log);
      results.push(...rows(NSBOX, side, n));
      results.push(
        side.apiClient.length > 0 ? { tool: NSBOX, measure: 'status round trip over the socket, client side', samplesMs: side.apiClient } : { tool: NSBOX, measure: 'status round trip over the socket, client side', samplesMs: [], error: side.error ?? 'not measured' },
        side.apiServer.length > 0 ? { tool: NSBOX, measure: 'status round trip over the socket, server side', samplesMs: side.apiServer } : { tool: NSBOX, measure: 'status round trip over the socket, server side', samplesMs: [], error: side.error ?? 'not measured' },
      );
    }
    if (selected(SYSTEMD)) results.push(...rows(SYSTEMD, await measureSystemd(n, settings.roundTrips, slots.slot(1).cgroup, log), n));
    // Each measure's rows together, nsbox first.
    const order = [...new Set(results.map((r) => r.measure))];
    return order.flatMap((m) => results.filter((r) => r.measure === m));
  },
};
