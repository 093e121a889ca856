// nspawn's --volatile= (Volatile=): what of the tree a container may change. Seen with
// systemd-nspawn 252 on a busybox tree:
// - no: as without the option.
// - state: the tree read-only, /var a tmpfs of its own (mode 0755, 25% of RAM, 1M inodes, no
//   nosuid/nodev), so the OS boots with an empty, throwaway /var.
// - overlay: the tree under an overlay with a throwaway upper layer; nsbox's ephemeral root (a
//   tmpfs upper, where nspawn uses a directory in the host's /tmp).
// - yes (also --volatile alone): a tmpfs root (mode 0755, 25% of RAM, 1M inodes) holding the
//   tree's /usr read-only, and what systemd's base file system has: /etc, /var, /root (0750),
//   bin, sbin, lib (and lib64 where usr/lib64 exists) as links into usr/. nspawn refuses a tree
//   whose /bin, /sbin, /lib or /lib64 is a directory of its own (not merged into /usr).
import type { Op, RootLayer } from '../plan/types.js';
import { rootPath } from '../plan/types.js';
import { parseBoolean } from '../unit/values.js';
import { percent } from './api-mounts.js';
import { NspawnUsageError } from './errors.js';
import type { TreeFacts } from './facts.js';
import { MERGED_USR_DIRS } from './merged-usr.js';

export type VolatileMode = 'no' | 'yes' | 'state' | 'overlay';


/** volatile_mode_from_string(): a boolean, `state` or `overlay`; '' (the option alone) is yes. */
export function parseVolatileMode(option: string, value: string): VolatileMode {
  if (value === '') return 'yes';
  if (value === 'state' || value === 'overlay') return value;
  try {
    return parseBoolean(value) ? 'yes' : 'no';
  } catch {
    throw new NspawnUsageError(option, `unknown mode "${value}" (yes, no, state, overlay)`);
  }
}

/** The root for yes mode, after checking that the tree's /usr is merged (nspawn's condition). */
export function volatileRoot(tree: TreeFacts, memTotalBytes: number): RootLayer {
  const own = MERGED_USR_DIRS.filter((d) => tree.present.has(`/${d}`) && !tree.symlinks?.has(`/${d}`));
  if (own.length > 0) {
    throw new NspawnUsageError('--volatile', `yes needs a tree with /bin, /sbin, /lib and /lib64 merged into /usr; ${tree.directory} has its own /${own.join(', /')}`);
  }
  return { kind: 'volatile', sizeBytes: percent(memTotalBytes, 25) };
}

/** What yes mode builds in the empty root before anything else: systemd's base file system. */
export function volatileBaseOps(tree: TreeFacts): Op[] {
  const dir = (path: string, mode: number): Op => ({ kind: 'mkdir', path: rootPath(path), mode, parents: false });
  const link = (name: string, target: string): Op => ({ kind: 'symlink', path: rootPath(`/${name}`), linkTarget: target });
  return [
    dir('/etc', 0o755), dir('/var', 0o755), dir('/root', 0o750),
    link('bin', 'usr/bin'), link('sbin', 'usr/sbin'), link('lib', 'usr/lib'),
    ...(tree.present.has('/usr/lib64') ? [link('lib64', 'usr/lib64')] : []),
  ];
}

/** The tree as the host-file ops see it in yes mode: only an empty /etc of the new root. */
export const volatileTreeView = (tree: TreeFacts): TreeFacts => ({ ...tree, present: new Set(['/', '/usr', '/etc']), symlinks: new Set(), localtime: { kind: 'missing' } });

/** The ops for state mode: a tmpfs /var (before the root turns read-only; see planNspawn). */
export function volatileStateOps(memTotalBytes: number): Op[] {
  return [{ kind: 'tmpfs', target: rootPath('/var'), mode: 0o755, sizeBytes: percent(memTotalBytes, 25), nrInodes: 1024 * 1024, flags: {}, create: 'dir' }];
}
