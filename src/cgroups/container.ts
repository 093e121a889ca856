// Creates and removes a container's own cgroup directories (name=systemd v1 and/or cgroup2).
// Removal is depth-first: a booted systemd leaves init.scope and friends behind, and cgroupfs
// only removes empty directories (no files to delete: its control files go with the dir).
import { mkdirSync, readdirSync, rmdirSync, statSync, type Dirent } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function createCgroupDirs(paths: readonly string[]): void {
  const made: string[] = [];
  try {
    for (const path of paths) {
      mkdirSync(path);
      made.push(path);
    }
  } catch (err) {
    removeCgroupDirs(made);
    throw err;
  }
}

/**
 * A cgroup directory and every cgroup below it, deepest first. cgroupfs directories hold only
 * kernel files, so rmdir() works once the children are gone and the last member has died; a
 * member just killed may keep it busy for a moment, so EBUSY is retried for up to a second.
 */
export function removeCgroupTree(path: string): void {
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return;
  }
  for (const name of entries) {
    const child = join(path, name);
    try {
      if (statSync(child).isDirectory()) removeCgroupTree(child);
    } catch {
      // gone meanwhile
    }
  }
  for (let attempt = 0; ; attempt++) {
    try {
      rmdirSync(path);
      return;
    } catch (err) {
      // Gone, or still busy after the retries: the caller's leak check reports the latter.
      if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || attempt >= 50) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

export function removeCgroupDirs(paths: readonly string[]): void {
  for (const path of paths) removeCgroupTree(path);
}

/**
 * removeCgroupTree() for a long-running process (the service manager): the same depth-first
 * removal, waiting for a busy directory without blocking the event loop, for up to `busyMs`.
 * Returns the directories still there.
 */
export async function removeCgroupTreesAsync(paths: readonly string[], busyMs = 5000): Promise<string[]> {
  const left: string[] = [];
  const remove = async (path: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) await remove(join(path, e.name));
    for (let waited = 0; ; waited += 20) {
      try {
        await rmdir(path);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return;
        if (code !== 'EBUSY' || waited >= busyMs) {
          left.push(path);
          return;
        }
        await sleep(20);
      }
    }
  };
  for (const path of [...paths].reverse()) await remove(path);
  return left;
}
