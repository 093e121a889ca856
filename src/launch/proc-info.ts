// What status lines show of a process, read from /proc: its name and its command line; empty
// when it is gone (it may end between listing a cgroup and reading it).
import { readFileSync } from 'node:fs';

export function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export function processCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
