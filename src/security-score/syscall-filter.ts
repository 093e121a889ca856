// SystemCallFilter= as systemd 252 stores it: one set of system calls plus whether it is an allow
// list, built line by line (an allow list starts from @default; a line of the other polarity
// takes names out), holding only calls libseccomp knows on this architecture.
import type { SystemCallFilterLine } from '../unit/exec-settings.js';
import { expandSyscallNames } from '../seccomp/groups.js';

export interface SyscallFilterSet {
  readonly allowList: boolean;
  readonly names: ReadonlySet<string>;
}

/** A name or @group's calls; an unknown group adds nothing (systemd warns and goes on). */
function callsOf(name: string): string[] {
  try {
    return expandSyscallNames(name);
  } catch {
    return [];
  }
}

export function effectiveSyscallFilter(lines: readonly SystemCallFilterLine[], resolves: (name: string) => boolean): SyscallFilterSet {
  if (lines.length === 0) return { allowList: false, names: new Set() };
  const allowList = !lines[0]!.invert;
  const names = new Set<string>(allowList ? callsOf('@default').filter(resolves) : []);
  for (const line of lines) {
    const adds = line.invert !== allowList;
    for (const call of line.names.flatMap(callsOf)) {
      if (!resolves(call)) continue;
      if (adds) names.add(call);
      else names.delete(call);
    }
  }
  return { allowList, names };
}
