// The process table as the runner needs it: who descends from a test file, who carries its token,
// and how to end all of them (and the cgroups they sat in) before anything removes their files.
import { readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly state: string;
}

export const TOKEN_VARIABLE = 'NSBOX_TEST_FILE_TOKEN';

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // gone while we looked
  }
}

export function processTable(): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`/proc/${name}/stat`);
    // comm may hold spaces and parentheses: the fields after the LAST ')' are fixed.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest.length < 3) continue;
    out.push({ pid: Number(name), state: rest[0]!, ppid: Number(rest[1]), pgid: Number(rest[2]) });
  }
  return out;
}

/** `roots` and everything below them in `table` (pure). */
export function withDescendants(table: readonly { readonly pid: number; readonly ppid: number }[], roots: Iterable<number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (found.has(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Processes whose environment carries a test file's token: it survives daemonizing and setsid. */
export function carriersOf(table: readonly ProcessEntry[], token: string): number[] {
  const needle = `${TOKEN_VARIABLE}=${token}\0`;
  return table.filter((p) => p.pid !== process.pid && `\0${readOr(`/proc/${p.pid}/environ`)}`.includes(`\0${needle}`)).map((p) => p.pid);
}

/** Everything a test file started: its process group, its descendants, the token's carriers and theirs. */
export function processesOf(table: readonly ProcessEntry[], filePid: number | undefined, token: string): Set<number> {
  const roots = carriersOf(table, token);
  if (filePid !== undefined) roots.push(filePid, ...table.filter((p) => p.pgid === filePid).map((p) => p.pid));
  const found = withDescendants(table, roots);
  found.delete(process.pid);
  return found;
}

const isAlive = (pid: number): boolean => {
  const stat = readOr(`/proc/${pid}/stat`);
  // A zombie has ended; its parent (or init) reaps it.
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
};

/** Cgroup directories (any hierarchy) holding `pid`, as host paths. */
export function cgroupDirsOf(pid: number, mountPoints: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of readOr(`/proc/${pid}/cgroup`).split('\n')) {
    const path = line.split(':').slice(2).join(':');
    if (!path || path === '/') continue;
    for (const mnt of mountPoints) {
      const dir = join(mnt, path);
      try {
        if (statSync(dir).isDirectory()) out.push(dir);
      } catch {
        // not in this hierarchy
      }
    }
  }
  return out;
}

export function cgroupMountPoints(): string[] {
  return readOr('/proc/self/mountinfo')
    .split('\n')
    .filter((l) => / - cgroup2? /.test(l))
    .map((l) => l.split(' ')[4]!)
    .filter(Boolean);
}

/** The top-most `nsbox-*` directory of a cgroup path: what nsbox made for a container or service. */
export function nsboxCgroupRoot(dir: string): string | undefined {
  const parts = dir.split('/');
  const i = parts.findIndex((p) => p.startsWith('nsbox-'));
  return i < 0 ? undefined : parts.slice(0, i + 1).join('/');
}

/** rmdir a cgroup tree bottom-up (cgroup directories only go with rmdir, never unlink). */
export function removeCgroupTree(dir: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return true; // already gone
  }
  for (const name of entries) removeCgroupTree(join(dir, name));
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

export interface KillResult {
  readonly killed: readonly number[];
  readonly survivors: readonly number[];
  /** Cgroups, machine registrations and containers' run directories the killed helpers would have removed. */
  readonly cgroupsRemoved: readonly string[];
}

const MACHINES_DIR = '/run/nsbox/machines';
const CONTAINERS_DIR = '/run/nsbox/containers';

/** What a killed supervisor would have removed on its way out: its registration and run directory. */
function removeRegistrations(killed: ReadonlySet<number>): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(MACHINES_DIR);
  } catch {
    return removed;
  }
  for (const name of names) {
    const file = join(MACHINES_DIR, name);
    let record: { supervisorPid?: unknown; uuid?: unknown; cgroups?: unknown };
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as typeof record;
    } catch {
      continue;
    }
    if (typeof record.supervisorPid !== 'number' || !killed.has(record.supervisorPid)) continue;
    rmSync(file, { force: true });
    removed.push(file);
    if (typeof record.uuid === 'string' && /^[0-9a-f-]+$/.test(record.uuid)) {
      rmSync(join(CONTAINERS_DIR, record.uuid), { recursive: true, force: true });
      removed.push(join(CONTAINERS_DIR, record.uuid));
    }
  }
  return removed;
}

/**
 * Ends a test file's whole process tree: containers, helpers, their children, daemons carrying its
 * token. Everything is stopped first (SIGSTOP) so nothing forks or cleans up half-way while we
 * look, then killed; then the nsbox cgroups they sat in are removed. Only after this may anyone
 * remove the trees those processes ran on.
 */
export function killFileProcesses(filePid: number | undefined, token: string, timeoutMs = 10_000): Promise<KillResult> {
  return killAll(() => processesOf(processTable(), filePid, token), timeoutMs);
}

/** The same for one process and its descendants: a container's launcher, its helper, its init and all below. */
export function killProcessTree(pid: number, timeoutMs = 10_000): Promise<KillResult> {
  return killAll(() => withDescendants(processTable(), [pid]), timeoutMs);
}

async function killAll(find: () => Set<number>, timeoutMs: number): Promise<KillResult> {
  const mountPoints = cgroupMountPoints();
  const all = new Set<number>();
  const cgroups = new Set<string>();
  // Stopped processes cannot fork; a few rounds catch children forked while we were stopping.
  for (let round = 0; round < 5; round++) {
    const fresh = [...find()].filter((pid) => !all.has(pid) && pid !== process.pid);
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      all.add(pid);
      for (const dir of cgroupDirsOf(pid, mountPoints)) {
        const root = nsboxCgroupRoot(dir);
        if (root !== undefined) cgroups.add(root);
      }
      try {
        process.kill(pid, 'SIGSTOP');
      } catch {
        // already gone
      }
    }
  }
  for (const pid of all) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  let survivors = [...all].filter(isAlive);
  while (survivors.length > 0 && Date.now() < deadline) {
    await sleep(50);
    survivors = survivors.filter(isAlive);
  }
  const cgroupsRemoved: string[] = [];
  for (const dir of cgroups) {
    // The kernel frees a cgroup a moment after its last process is reaped.
    for (let i = 0; i < 40 && !removeCgroupTree(dir); i++) await sleep(50);
    if (!statExists(dir)) cgroupsRemoved.push(dir);
  }
  cgroupsRemoved.push(...removeRegistrations(all));
  return { killed: [...all], survivors, cgroupsRemoved };
}

function statExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
