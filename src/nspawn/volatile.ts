// nspawn's --volatile= (Volatile=): what of the tree a container may change. Seen with
// systemd-nspawn 252 on a busybox tree:
// - no: as without the option.
// - state: the tree read-only, /var a tmpfs of its own (mode 0755, 25% of RAM, 1M inodes, no
//   nosuid/nodev), so the OS boots with an empty, throwaway /var.
// - overlay: the tree under an overlay with a throwaway upper layer; nsbox's ephemeral root (a
//   tmpfs upper, where nspawn uses a directory in the host's /tmp).
// - yes (also --volatile alone): a tmpfs root with the tree's /usr; nspawn refuses it for a tree
//   without merged /usr. Not supported yet: the helper's root is always the tree or an overlay
//   of it.
import type { Op } from '../plan/types.js';
import { rootPath } from '../plan/types.js';
import { NspawnUnsupportedError, NspawnUsageError } from './errors.js';

export type VolatileMode = 'no' | 'state' | 'overlay';

const TRUE = /^(1|yes|y|true|t|on)$/i;
const FALSE = /^(0|no|n|false|f|off)$/i;

/** volatile_mode_from_string(): a boolean, `state` or `overlay`; '' (the option alone) is yes. */
export function parseVolatileMode(option: string, value: string): VolatileMode {
  if (value === '' || TRUE.test(value)) throw new NspawnUnsupportedError(`${option}=yes`);
  if (FALSE.test(value)) return 'no';
  if (value === 'state' || value === 'overlay') return value;
  throw new NspawnUsageError(option, `unknown mode "${value}" (yes, no, state, overlay)`);
}

/** The ops for state mode: a tmpfs /var (before the root turns read-only; see planNspawn). */
export function volatileStateOps(memTotalBytes: number): Op[] {
  const quarter = Math.floor(memTotalBytes / 4 / 4096) * 4096;
  return [{ kind: 'tmpfs', target: rootPath('/var'), mode: 0o755, sizeBytes: quarter, nrInodes: 1024 * 1024, flags: {}, create: 'dir' }];
}
