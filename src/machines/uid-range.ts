// The host side of -U: which uid range a container gets, the lock that keeps two running
// containers off one range, and the tree's ownership (nspawn's chown of the tree, and of the
// container's own cgroup directories).
//
// A range's lock is a file under /run/nsbox/uid-ranges with flock(2) held on it. This process
// takes it to choose; the helper (the container's supervisor) takes it again by the plan's
// `lockFile` before anything starts and holds it until it exits, so it is released however the
// container ends, kill -9 included. A file left by a killed supervisor is unlocked and so free;
// the supervisor's cleanup steps remove it after a clean end.
import { closeSync, statfsSync, lstatSync, lchownSync, chmodSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, constants } from 'node:fs';
import { basename, join } from 'node:path';
import { NsboxError } from '../errors.js';
import { koffi } from '../ffi/koffi.js';
import { loadLibc } from '../executor/libc.js';
import { pickCandidates, RANGE_SIZE, type PrivateUsers } from '../nspawn/private-users.js';

export const UID_RANGE_LOCK_DIR = '/run/nsbox/uid-ranges';

/** No free uid range, or the asked one is locked by a running container or used by the host. */
export class UidRangeBusyError extends NsboxError {
  readonly code = 'UID_RANGE_BUSY';
  constructor(readonly base: number, readonly count: number, reason: string) {
    super(`UID range ${base}:${count} cannot be used: ${reason}`);
    this.name = 'UidRangeBusyError';
  }
}

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

export const lockPathOf = (base: number, dir = UID_RANGE_LOCK_DIR): string => `${dir}/${base}`;

/**
 * Whether the range's lock is free: taken and given back at once. The window until the helper
 * takes it for good is closed by the helper, which fails the start (UID range busy) rather than
 * share a range.
 */
export function rangeLockFree(path: string): boolean {
  const libc = loadLibc();
  // No file, no holder: the file is the helper's to make (and its cleanup's to remove), so a
  // start refused before the helper runs leaves none.
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  try {
    if (libc.flock(fd, LOCK_EX | LOCK_NB) < 0) {
      const errno = koffi().errno();
      if (errno === 11 /* EWOULDBLOCK */) return false;
      throw new UidRangeBusyError(Number(basename(path)), RANGE_SIZE, `cannot lock ${path} (errno ${errno})`);
    }
    libc.flock(fd, LOCK_UN);
    return true;
  } finally {
    closeSync(fd);
  }
}

/** The host's passwd and group ids: a range holding one of them belongs to the host. */
export function hostIds(etc = '/etc'): number[] {
  const ids: number[] = [];
  for (const file of ['passwd', 'group']) {
    let text = '';
    try {
      text = readFileSync(join(etc, file), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const id = Number(line.split(':')[2]);
      if (line.includes(':') && Number.isInteger(id)) ids.push(id);
    }
  }
  return ids;
}

const overlaps = (ids: readonly number[], base: number, count: number): boolean => ids.some((id) => id >= base && id < base + count);

export interface ChosenRange {
  readonly base: number;
  readonly count: number;
  /** The lock file the supervisor holds while the container runs (absent: no lock is taken). */
  readonly lockFile?: string;
}

export interface ChooseInput {
  readonly directory: string;
  readonly machine: string;
  readonly lockDir?: string;
  /** Ids the host's user database uses (default: /etc/passwd and /etc/group). */
  readonly hostIds?: readonly number[];
}

/**
 * File systems whose mounts can be idmapped on the kernels nsbox runs on (ext2/3/4, xfs, btrfs,
 * tmpfs), by statfs magic. nspawn tries and falls back; here the helper makes the mount after the
 * namespaces exist, where a refusal would fail the start, so `auto` asks first.
 */
const IDMAP_FS = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994]);
export const supportsIdmap = (directory: string): boolean => IDMAP_FS.has(Number(statfsSync(directory).type));

/**
 * What `auto` becomes (nspawn: map where it can, else chown): nothing when the tree is owned by
 * the range already (chowned before), an idmapped root for an unshifted tree on a file system
 * that supports it (and a plain root: -x and --volatile=yes|overlay build theirs from layers),
 * else chown.
 */
export function resolveAuto(directory: string, base: number, layeredRoot: boolean): 'off' | 'map' | 'chown' {
  const owner = lstatSync(directory).uid;
  if (owner === base) return 'off';
  if (owner < RANGE_SIZE && base !== 0 && !layeredRoot && supportsIdmap(directory)) return 'map';
  return 'chown';
}

/** nspawn's range choice for each --private-users= mode; `undefined` for no user namespace. */
export function chooseRange(users: PrivateUsers, input: ChooseInput): ChosenRange | undefined {
  if (users.mode === 'no') return undefined;
  const lockDir = input.lockDir ?? UID_RANGE_LOCK_DIR;
  const owner = lstatSync(input.directory);
  if (users.mode === 'fixed') {
    // identity and numbers given by hand: nspawn takes no lock either.
    return { base: users.base, count: users.count };
  }
  if (users.mode === 'from-tree') {
    // nspawn: the root directory's owner, its low 16 bits cut off; uid and gid must agree.
    const base = owner.uid - (owner.uid % RANGE_SIZE);
    const gidBase = owner.gid - (owner.gid % RANGE_SIZE);
    if (base !== gidBase) throw new UidRangeBusyError(base, RANGE_SIZE, `${input.directory} is owned by uid ${owner.uid} and gid ${owner.gid}, which name different ranges`);
    return { base, count: RANGE_SIZE };
  }
  mkdirSync(lockDir, { recursive: true, mode: 0o755 });
  const ids = input.hostIds ?? hostIds();
  for (const base of pickCandidates(owner.uid, input.machine)) {
    if (overlaps(ids, base, RANGE_SIZE)) continue;
    const lockFile = lockPathOf(base, lockDir);
    if (rangeLockFree(lockFile)) return { base, count: RANGE_SIZE, lockFile };
  }
  throw new UidRangeBusyError(0, RANGE_SIZE, 'every range of the pick window is in use');
}

/**
 * nspawn's chown of a tree to a range: every inode's owner and group keep their low 16 bits and
 * take the range's high ones. No symlink is followed and no other file system is entered (a
 * mount point below is left as it is). The root directory's owner records the shift: a tree
 * whose root is owned by `base` already is taken as done, as nspawn does. chown clears set-uid and
 * set-gid bits: they are put back. ACLs are not shifted (nspawn shifts them): a tree with ACLs
 * naming container users keeps the old ids in them.
 */
export function chownTree(directory: string, base: number): { readonly changed: boolean } {
  const root = lstatSync(directory);
  if (root.uid === base && root.gid === base) return { changed: false };
  const shift = (id: number): number => base + (id % RANGE_SIZE);
  const visit = (path: string, dev: number): void => {
    const st = lstatSync(path);
    if (st.dev !== dev) return;
    const uid = shift(st.uid);
    const gid = shift(st.gid);
    if (st.uid !== uid || st.gid !== gid) {
      lchownSync(path, uid, gid);
      if (!st.isSymbolicLink() && (st.mode & 0o6000) !== 0) chmodSync(path, st.mode & 0o7777);
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name), dev);
  };
  // The root last: it records that the whole tree is done, so an interrupted chown is redone.
  const dev = root.dev;
  for (const name of readdirSync(directory)) visit(join(directory, name), dev);
  lchownSync(directory, shift(root.uid), shift(root.gid));
  if ((root.mode & 0o6000) !== 0) chmodSync(directory, root.mode & 0o7777);
  return { changed: true };
}

/**
 * The container's own cgroup directories (name=systemd, cgroup2) are delegated to its root, as
 * nspawn does under -U: the directory and its files. The devices directory is not: its policy is
 * applied from outside and must stay out of the container's reach.
 */
export function delegateCgroupDirs(dirs: readonly string[], base: number): void {
  for (const dir of dirs) {
    lchownSync(dir, base, base);
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isFile() && ['cgroup.procs', 'tasks', 'cgroup.subtree_control', 'cgroup.threads', 'notify_on_release', 'cgroup.clone_children'].includes(name)) lchownSync(path, base, base);
    }
  }
}
