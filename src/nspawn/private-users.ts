// systemd-nspawn 252's user namespacing (-U, --private-users=, --private-users-ownership=): the
// option values, how a range is chosen from the tree's owner, and the id maps. Pure: the edge
// (src/machines/uid-range.ts) reads the tree's owner, takes the range's lock and shifts the tree.
import type { IdMapRange, Op } from '../plan/types.js';
import { hostPath } from '../plan/types.js';
import { NspawnUsageError } from './errors.js';

/** nspawn's range size, and the window `pick` chooses from (UID_SHIFT_PICK_MIN/MAX). */
export const RANGE_SIZE = 0x10000;
export const PICK_MIN = 0x00080000;
export const PICK_MAX = 0x6fff0000;

export type PrivateUsers =
  | { readonly mode: 'no' }
  /** A free range: the tree owner's when free, else one hashed from the machine name, else any. */
  | { readonly mode: 'pick' }
  /** The range the tree's root directory is owned by (a multiple of 65536). */
  | { readonly mode: 'from-tree' }
  /** A range given by number (identity is 0:65536). */
  | { readonly mode: 'fixed'; readonly base: number; readonly count: number };

export type Ownership = 'off' | 'chown' | 'map' | 'auto';

const OWNERSHIPS: readonly Ownership[] = ['off', 'chown', 'map', 'auto'];

// Numbers are ranges, never booleans: --private-users=0 is the range 0:65536 (nspawn's way to
// chown a tree back).
const TRUE = /^(yes|y|true|t|on)$/i;
const FALSE = /^(no|n|false|f|off)$/i;

/** --private-users=VALUE (nspawn's parse_userns_uid_range); '' is the option given alone: yes. */
export function parsePrivateUsers(option: string, value: string): PrivateUsers {
  if (value === '' || TRUE.test(value)) return { mode: 'from-tree' };
  if (FALSE.test(value)) return { mode: 'no' };
  if (value === 'pick') return { mode: 'pick' };
  if (value === 'identity') return { mode: 'fixed', base: 0, count: RANGE_SIZE };
  const m = /^(\d+)(?::(\d+))?$/.exec(value);
  if (!m) throw new NspawnUsageError(option, `expects yes, no, pick, identity or UID[:COUNT], got "${value}"`);
  const base = Number(m[1]);
  const count = m[2] === undefined ? RANGE_SIZE : Number(m[2]);
  if (count <= 0) throw new NspawnUsageError(option, `the UID count must be positive, got "${m[2]}"`);
  // nspawn: the range must fit below the invalid uid (2^32-1) and must not wrap.
  if (base + count > 0xffffffff) throw new NspawnUsageError(option, `the range ${base}:${count} goes beyond the last UID`);
  return { mode: 'fixed', base, count };
}

export function parseOwnership(option: string, value: string): Ownership {
  if (!(OWNERSHIPS as readonly string[]).includes(value)) throw new NspawnUsageError(option, `expects off, chown, map or auto, got "${value}"`);
  return value as Ownership;
}

/** What nspawn uses when no ownership was asked for: auto with pick (and -U), else off. */
export const effectiveOwnership = (users: PrivateUsers, ownership: Ownership | undefined): Ownership =>
  users.mode === 'no' ? 'off' : ownership ?? (users.mode === 'pick' ? 'auto' : 'off');

/** A uid/gid map of one range, the same for both (nspawn always maps gids as uids). */
export const idMap = (base: number, count: number): IdMapRange[] => [{ inside: 0, outside: base, count }];

/** The range a root directory owned by `uid` stands for, if it stands for one in pick's window. */
export function rangeOfOwner(uid: number): number | undefined {
  if (uid % RANGE_SIZE !== 0 || uid < PICK_MIN || uid > PICK_MAX) return undefined;
  return uid;
}

/**
 * The ranges `pick` tries, in order: the tree owner's, then one hashed from the machine name
 * (so a container usually gets the same range again and its tree needs no new chown), then the
 * window from there on, wrapping around. nspawn hashes with siphash and a key of its own, so the
 * hashed range differs from nspawn's; the rule is the same.
 */
export function pickCandidates(treeOwner: number, machine: string): number[] {
  const slots = (PICK_MAX - PICK_MIN) / RANGE_SIZE + 1;
  let h = 0x811c9dc5;
  for (const c of new TextEncoder().encode(machine)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  const first = h % slots;
  const out: number[] = [];
  const own = rangeOfOwner(treeOwner);
  if (own !== undefined) out.push(own);
  for (let i = 0; i < slots; i++) {
    const base = PICK_MIN + ((first + i) % slots) * RANGE_SIZE;
    if (base !== own) out.push(base);
  }
  return out;
}

/**
 * The ops as they must be inside a user namespace. Device nodes cannot be made there (mknod needs
 * CAP_MKNOD in the host's namespace): /dev's nodes are the host's, bound, as nspawn does, and
 * their modes are the host's (a chmod would be refused, or would change the host's node).
 * /run/host/inaccessible keeps what can be made (a directory, a file, a FIFO, and the whiteout
 * 0:0 character node); its block node is left out.
 * sysfs can be mounted only by the owner of the network namespace: without --private-network
 * that is the host's, so /sys is the host's sysfs bound, with its submounts (the kernel refuses
 * to bind it without them), read-only; nspawn mounts a fresh one before it enters the namespace.
 * devpts' gid= (tty, 5) is left out where the range is too small to map it (the kernel refuses it).
 */
export function userNamespaceOps(ops: readonly Op[], privateNetwork: boolean, idCount: number): Op[] {
  const boundNodes = new Set<string>();
  const out: Op[] = [];
  for (const op of ops) {
    if (op.kind === 'mknod' && op.type !== 'fifo') {
      if (op.path.path.startsWith('/dev/')) {
        boundNodes.add(op.path.path);
        out.push({ kind: 'bind', source: hostPath(op.path.path), target: op.path, recursive: false, flags: { nosuid: true, noexec: true }, optional: false, create: 'file' });
        continue;
      }
      if (op.type === 'block' || op.major !== 0 || op.minor !== 0) continue;
    }
    if (op.kind === 'chmod' && boundNodes.has(op.path.path)) continue;
    if (op.kind === 'devpts' && op.gid !== undefined && op.gid >= idCount) {
      const { gid: _unmapped, ...rest } = op;
      out.push(rest);
      continue;
    }
    if (op.kind === 'sysfs' && !privateNetwork) {
      out.push({ kind: 'bind', source: hostPath('/sys'), target: op.target, recursive: true, flags: op.flags, optional: false, create: 'no' });
      continue;
    }
    out.push(op);
  }
  return out;
}
