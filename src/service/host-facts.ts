// Facts about the manager's own process the planner needs and may not read itself: the
// capabilities it holds, the mount points it sees, and EnvironmentFile= contents.
import { readFileSync } from 'node:fs';
import { readTreeFile } from '../machines/tree-files.js';
import { readFile } from 'node:fs/promises';
import type { EnvironmentFileSetting } from '../unit/exec-settings.js';
import { capabilitiesFromStatus } from '../plan/capabilities.js';

export { capabilitiesFromStatus };

/** The capabilities this (manager) process may pass on: a service never gets more. */
export const managerCapabilities = (): number[] => capabilitiesFromStatus(readFileSync('/proc/self/status', 'utf8'), 'CapPrm');

/** Mount points in mountinfo(5) text, octal escapes decoded. */
export function mountPointsFromMountinfo(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const point = line.split(' ')[4];
    return point === undefined ? [] : [point.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))];
  });
}

export const currentMountPoints = (): string[] => mountPointsFromMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));

/**
 * Each EnvironmentFile= path -> its text, or undefined when it cannot be read (the planner decides
 * whether that fails the start, by the `-` prefix). Paths are the manager's; `root` prefixes them.
 */
export async function readEnvironmentFiles(files: readonly EnvironmentFileSetting[], root: string): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const f of files) {
    if (root === '/') {
      out[f.path] = await readFile(f.path, 'utf8').catch(() => undefined);
      continue;
    }
    // Inside another tree, its links are resolved inside it, and a FIFO or device is unreadable.
    try {
      out[f.path] = readTreeFile(root, f.path);
    } catch {
      out[f.path] = undefined;
    }
  }
  return out;
}
