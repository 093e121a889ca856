// SystemCallFilter= lines -> the final allow or deny set, as systemd folds them: the first line
// decides the kind; an allow list starts from @default; later lines add or take away.
import type { SystemCallAction, SystemCallFilterLine } from '../sandbox/exec-settings.js';
import { expandSyscallNames } from './groups.js';

export interface FilterSet {
  readonly allowList: boolean;
  /** Syscall -> its own action (deny lists only; undefined: the default action). */
  readonly calls: ReadonlyMap<string, SystemCallAction | undefined>;
}

export function foldFilterLines(lines: readonly SystemCallFilterLine[]): FilterSet | undefined {
  const first = lines[0];
  if (!first) return undefined;
  const allowList = !first.invert;
  const calls = new Map<string, SystemCallAction | undefined>();
  if (allowList) for (const c of expandSyscallNames('@default')) calls.set(c, undefined);
  for (const line of lines) {
    const adds = line.invert !== allowList;
    for (const name of line.names) {
      for (const c of expandSyscallNames(name)) {
        if (adds) calls.set(c, line.action);
        else calls.delete(c);
      }
    }
  }
  return { allowList, calls };
}
