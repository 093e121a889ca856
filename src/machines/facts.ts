// Gathers what the nspawn planner needs from the tree and the host. Reads only: the paths the
// planner asks for, passwd/group, machine-id, the host's os-release, resolv.conf, zone, limits.
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { totalmem } from 'node:os';
import type { HostFacts, TreeFacts } from '../nspawn/facts.js';
import type { Rlimit } from '../plan/types.js';
import { parseOsRelease } from '../nspawn/environment.js';
import { capabilitiesFromStatus } from '../plan/capabilities.js';
import { lstatInTree, readTreeFile } from './tree-files.js';

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const readOrUndefined = (read: () => string | undefined): string | undefined => {
  try {
    return read();
  } catch {
    return undefined;
  }
};

/** Which probes exist in the tree, and which are symlinks; every lookup resolved inside it. */
function probe(directory: string, probes: readonly string[]): { present: Set<string>; symlinks: Set<string> } {
  const present = new Set<string>();
  const symlinks = new Set<string>();
  for (const p of probes) {
    const entry = lstatInTree(directory, p);
    if (entry.kind === 'absent') continue;
    present.add(p);
    if (entry.kind === 'symlink') symlinks.add(p);
  }
  return { present, symlinks };
}

/** Files of the tree, read as the helper resolves paths: never through a link out of it. */
export function gatherTreeFacts(directory: string, probes: readonly string[]): TreeFacts {
  // As nspawn: an unreadable machine-id (a FIFO, a device, a link looping inside) is no id.
  const machineId = readOrUndefined(() => readTreeFile(directory, '/etc/machine-id'))?.trim();
  const lt = lstatInTree(directory, '/etc/localtime');
  const localtime: TreeFacts['localtime'] = lt.kind === 'absent' ? { kind: 'missing' } : lt.kind === 'symlink' ? { kind: 'symlink', target: lt.target } : { kind: 'file' };
  const passwd = readTreeFile(directory, '/etc/passwd');
  const group = readTreeFile(directory, '/etc/group');
  return {
    directory,
    ...probe(directory, probes),
    ...(passwd !== undefined ? { passwd } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(machineId ? { machineId } : {}),
    localtime,
  };
}

const boundingSet = (): number[] => capabilitiesFromStatus(readFileSync('/proc/self/status', 'utf8'), 'CapBnd');

/** /proc/self/limits' row names, per limit. */
const LIMIT_ROWS: Readonly<Record<Rlimit, string>> = {
  cpu: 'Max cpu time', fsize: 'Max file size', data: 'Max data size', stack: 'Max stack size', core: 'Max core file size',
  rss: 'Max resident set', nproc: 'Max processes', nofile: 'Max open files', memlock: 'Max locked memory', as: 'Max address space',
  locks: 'Max file locks', sigpending: 'Max pending signals', msgqueue: 'Max msgqueue size', nice: 'Max nice priority',
  rtprio: 'Max realtime priority', rttime: 'Max realtime timeout',
};

/** This process's hard limits, null for unlimited. */
function hardLimits(): Partial<Record<Rlimit, number | null>> {
  const text = readFileSync('/proc/self/limits', 'utf8');
  const out: Partial<Record<Rlimit, number | null>> = {};
  for (const [name, row] of Object.entries(LIMIT_ROWS) as [Rlimit, string][]) {
    const hard = new RegExp(`^${row}\\s+\\S+\\s+(\\S+)`, 'm').exec(text)?.[1];
    if (hard !== undefined) out[name] = hard === 'unlimited' ? null : Number(hard);
  }
  return out;
}

function hostTimezone(): HostFacts['timezone'] {
  try {
    const file = realpathSync('/etc/localtime');
    const i = file.indexOf('/zoneinfo/');
    return { file, name: i >= 0 ? file.slice(i + '/zoneinfo/'.length) : 'UTC' };
  } catch {
    return undefined;
  }
}

export function gatherHostFacts(tty: { stdinIsTty: boolean; stdoutIsTty: boolean }): HostFacts {
  const osReleasePath = ['/etc/os-release', '/usr/lib/os-release'].find((p) => existsSync(p));
  const resolv = read('/etc/resolv.conf');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const timezone = hostTimezone();
  const limits = hardLimits();
  return {
    boundingSet: boundingSet(),
    osRelease: osReleasePath ? parseOsRelease(read(osReleasePath) ?? '') : {},
    ...(osReleasePath ? { osReleasePath: realpathSync(osReleasePath) } : {}),
    nofileHard: limits.nofile ?? 1024 * 1024,
    hardLimits: limits,
    memTotalBytes: totalmem(),
    ...(process.env['TERM'] ? { term: process.env['TERM'] } : {}),
    ...tty,
    ...(resolv !== undefined ? { resolvConf: new TextEncoder().encode(resolv), resolvConfPath: '/etc/resolv.conf' } : {}),
    ...(timezone ? { timezone } : {}),
    env,
  };
}

/**
 * A random (version 4) UUID. From /dev/urandom rather than node:crypto's randomUUID(): loading
 * node:crypto costs every container start 6-10 ms, for 16 random bytes.
 */
export function newUuid(): string {
  const bytes = new Uint8Array(16);
  const fd = openSync('/dev/urandom', 'r');
  try {
    if (readSync(fd, bytes) !== bytes.length) throw new Error('short read from /dev/urandom');
  } finally {
    closeSync(fd);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
