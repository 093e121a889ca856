// Signals every process of a set of cgroup directories (and the cgroups below them): systemd's
// KillMode=control-group, and how a container is stopped whole. On cgroup2, SIGKILL goes through
// cgroup.kill (kernel 5.14+), which also catches processes forked meanwhile; otherwise the member
// lists are read and signalled until no new member shows up.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pids in these cgroups and every cgroup below them (status lists them; an empty list: nothing left to wait for). */
export const cgroupMembers = (dirs: readonly string[]): number[] => dirs.flatMap(members);

function members(dir: string): number[] {
  let pids: number[] = [];
  try {
    pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  for (const name of readdirSync(dir)) {
    const child = join(dir, name);
    try {
      if (statSync(child).isDirectory()) pids = pids.concat(members(child));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function killCgroup2(dir: string): boolean {
  try {
    writeFileSync(join(dir, 'cgroup.kill'), '1');
    return true;
  } catch {
    return false;
  }
}

/** Returns the pids signalled. */
export function signalCgroups(dirs: readonly string[], signal: NodeJS.Signals): number[] {
  const signalled = new Set<number>();
  // cgroup.kill where there is one (cgroup2); the member lists below catch v1 hierarchies.
  if (signal === 'SIGKILL') for (const dir of dirs) killCgroup2(dir);
  // A process may fork while we read: go again until a pass finds nobody new (bounded).
  for (let pass = 0; pass < 8; pass++) {
    const fresh = cgroupMembers(dirs).filter((pid) => !signalled.has(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) {
      signalled.add(pid);
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
  }
  return [...signalled];
}
