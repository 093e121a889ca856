// Creates and removes a container's own cgroup directories (name=systemd v1 and/or cgroup2).
// Removal is depth-first: a booted systemd leaves init.scope and friends behind, and cgroupfs
// only removes empty directories (no files to delete: its control files go with the dir).
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

function removeTree(path: string): void {
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch {
    return;
  }
  for (const name of entries) {
    const child = join(path, name);
    try {
      if (statSync(child).isDirectory()) removeTree(child);
    } catch {
      // gone meanwhile
    }
  }
  try {
    rmdirSync(path);
  } catch {
    // still busy (a process left) or already gone: the caller's leak check reports the former
  }
}

export function removeCgroupDirs(paths: readonly string[]): void {
  for (const path of paths) removeTree(path);
}
