// Linux ABI numbers the plan needs (x86-64 and the generic ABI agree on these).
import type { NamespaceKind, Rlimit } from './types.js';

export const CLONE_FLAGS: Readonly<Record<NamespaceKind, number>> = {
  mount: 0x00020000,
  uts: 0x04000000,
  ipc: 0x08000000,
  user: 0x10000000,
  pid: 0x20000000,
  net: 0x40000000,
  cgroup: 0x02000000,
};

export const namespaceFlags = (kinds: readonly NamespaceKind[]): number =>
  kinds.reduce((flags, k) => flags | CLONE_FLAGS[k], 0);

const RLIMITS: Readonly<Record<Rlimit, number>> = {
  cpu: 0, fsize: 1, data: 2, stack: 3, core: 4, rss: 5, nproc: 6, nofile: 7,
  memlock: 8, as: 9, locks: 10, sigpending: 11, msgqueue: 12, nice: 13, rtprio: 14, rttime: 15,
};

export const rlimitNumber = (name: Rlimit): number => RLIMITS[name];
