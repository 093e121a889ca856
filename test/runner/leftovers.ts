// What tests may leave on the host outside their own directories, and who is to blame for it.
//
// Each test file gets its own TMPDIR and scratch directory, so what it leaves there is its own.
// Things in shared places (/run/nsbox, cgroups, a hard-coded /tmp path) cannot be traced to a file
// by name while two files run at once: a file that ends sees the other's work in progress. So the
// tracker notes when each thing first appeared and which files were running then, and judges only
// at the end of the run: what is still there and was not at the start is a leftover, blamed on the
// one file that was running when it appeared, or reported with every file that could have made it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function sharedLeftovers(tmp = '/tmp'): Set<string> {
  const list = (dir: string, keep: (name: string) => boolean): string[] => {
    try {
      return readdirSync(dir).filter(keep).map((n) => join(dir, n));
    } catch {
      return [];
    }
  };
  const cgroupRoots = ['/sys/fs/cgroup', '/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids'];
  return new Set([
    // nsbox-suite-*: test runners' own directories (another checkout's run may share the machine).
    ...list(tmp, (n) => n.startsWith('nsbox-') && !n.startsWith('nsbox-suite-')),
    ...list('/var/tmp', (n) => n.startsWith('nsbox-') && !n.startsWith('nsbox-suite-')),
    ...list('/run/nsbox/containers', () => true),
    ...list('/run/nsbox/machines', () => true),
    // Uid range locks of -U containers: their supervisor's cleanup removes them.
    ...list('/run/nsbox/uid-ranges', () => true),
    ...cgroupRoots.flatMap((d) => list(d, (n) => n.startsWith('nsbox-') || n === 'payload' || n === 'supervisor')),
  ]);
}

interface Sighting {
  readonly since: number;
  /** Files running at any moment between the previous look and this thing's first sighting. */
  readonly suspects: ReadonlySet<string>;
}

export interface Blame {
  readonly item: string;
  readonly suspects: readonly string[];
}

export class LeftoverTracker {
  private readonly baseline: ReadonlySet<string>;
  private readonly seen = new Map<string, Sighting>();
  private readonly running = new Set<string>();
  /** Files that ended since the previous look: they may have made what this look finds. */
  private endedSinceLook = new Set<string>();

  constructor(private readonly look: () => Set<string> = () => sharedLeftovers()) {
    this.baseline = look();
  }

  started(file: string): void {
    this.poll();
    this.running.add(file);
  }

  ended(file: string): void {
    this.poll();
    this.running.delete(file);
    this.endedSinceLook.add(file);
  }

  poll(now = Date.now()): void {
    const current = this.look();
    const suspects = new Set([...this.running, ...this.endedSinceLook]);
    for (const item of current) {
      if (!this.baseline.has(item) && !this.seen.has(item)) this.seen.set(item, { since: now, suspects });
    }
    for (const item of [...this.seen.keys()]) if (!current.has(item)) this.seen.delete(item);
    this.endedSinceLook = new Set();
  }

  /** What is still there at the end and was not at the start, each with the files that may have left it. */
  verdict(): Blame[] {
    this.poll();
    return [...this.seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([item, s]) => ({ item, suspects: [...s.suspects].sort() }));
  }
}
