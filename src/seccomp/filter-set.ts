// SystemCallFilter= lines -> the final allow or deny set, as systemd folds them: the first line
// decides the kind; an allow list starts from @default; later lines add or take away.
import type { SystemCallAction, SystemCallFilterLine } from '../unit/exec-settings.js';
import { expandSyscallNames, groupMembers } from './groups.js';

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

/**
 * systemd-nspawn's way with a deny list: each entry is skipped wherever expanding the allow list
 * meets that very name or @group (seccomp_add_syscall_filter_item's exclude list), so `~@keyring`
 * leaves `keyctl` named on its own allowed. No @default is implied. An unknown @group throws.
 */
export function expandSkipping(names: readonly string[], skip: readonly string[]): Set<string> {
  const skipped = new Set(skip);
  for (const name of skipped) if (name.startsWith('@')) expandSyscallNames(name);
  const calls = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (skipped.has(name)) return;
    if (!name.startsWith('@')) return void calls.add(name);
    if (seen.has(name)) return;
    seen.add(name);
    // One level at a time, so a skipped group nested in another is skipped there too.
    for (const member of groupMembers(name)) visit(member);
  };
  for (const name of names) visit(name);
  return calls;
}
