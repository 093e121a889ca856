// machinectl copy-to / copy-from: files between the host and a running container. Every path on
// the container's side is resolved inside its root (openat2 RESOLVE_IN_ROOT from its leader's
// /proc/PID/root, so the container's own mounts are seen and none of its symlinks leads out), and
// every step below the resolved directory works on file descriptors with O_NOFOLLOW. A copy is
// built under a hidden temporary name and renamed into place at the end (RENAME_NOREPLACE): a
// failure leaves nothing behind, on either side. Owners are shifted by the container's uid map.
import { closeSync, constants, fchmodSync, fchownSync, fstatSync, futimesSync, lstatSync, mkdirSync, readdirSync, readlinkSync, readSync, renameSync,
  rmSync, symlinkSync, lchownSync, writeSync, openSync, utimesSync, chownSync, chmodSync, existsSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { koffi, type ForeignFunction } from '../ffi/koffi.js';
import { errnoInfo } from '../executor/errno.js';
import { NsboxError } from '../errors.js';
import { O_PATH, openInRoot } from './tree-files.js';

const O_CLOEXEC = 0o2000000;
const O_DIRECTORY = 0o200000;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_REMOVEDIR = 0x200;
const RENAME_NOREPLACE = 1;

export class MachineCopyError extends NsboxError {
  readonly code = 'MACHINE_COPY';
  constructor(readonly machine: string, readonly path: string, detail: string) {
    super(`Failed to copy ${path} (machine ${machine}): ${detail}`);
    this.name = 'MachineCopyError';
  }
}

interface AtCalls {
  openat(dirfd: number, path: string, flags: number, mode: number): number;
  mkdirat(dirfd: number, path: string, mode: number): number;
  symlinkat(target: string, dirfd: number, path: string): number;
  fchownat(dirfd: number, path: string, uid: number, gid: number, flags: number): number;
  renameat2(olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number): number;
  unlinkat(dirfd: number, path: string, flags: number): number;
  readlinkat(dirfd: number, path: string, buf: Buffer, size: number): number;
}

let calls: AtCalls | undefined;
function at(): AtCalls {
  if (calls) return calls;
  const lib = koffi().load('libc.so.6');
  const f = (sig: string): ForeignFunction => lib.func(sig);
  calls = {
    openat: f('int openat(int dirfd, const char *path, int flags, unsigned int mode)'),
    mkdirat: f('int mkdirat(int dirfd, const char *path, unsigned int mode)'),
    symlinkat: f('int symlinkat(const char *target, int dirfd, const char *path)'),
    fchownat: f('int fchownat(int dirfd, const char *path, unsigned int uid, unsigned int gid, int flags)'),
    renameat2: f('int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)'),
    unlinkat: f('int unlinkat(int dirfd, const char *path, int flags)'),
    readlinkat: f('long readlinkat(int dirfd, const char *path, _Out_ uint8_t *buf, size_t size)'),
  } as AtCalls;
  return calls;
}

/** A failed call's errno text, naming the path. */
function check(result: number, machine: string, path: string): number {
  if (result >= 0) return result;
  throw new MachineCopyError(machine, path, errnoInfo(koffi().errno()).text);
}

/** How ids move between the host and the container: the container's uid_map's first range (0 when it has none). */
export interface IdShift {
  readonly base: number;
  readonly count: number;
}
export const NO_SHIFT: IdShift = { base: 0, count: 2 ** 32 };

/** The leader's uid map as a shift (nspawn's -U maps one contiguous range). */
export function idShiftOf(uidMapText: string): IdShift {
  const [inside, outside, count] = uidMapText.trim().split('\n')[0]?.trim().split(/\s+/).map(Number) ?? [];
  if (inside !== 0 || outside === undefined || count === undefined || outside === 0) return NO_SHIFT;
  return { base: outside, count };
}

const intoContainer = (id: number, s: IdShift): number => (s.base === 0 ? id : id < s.count ? id + s.base : s.base + 65534);
const outOfContainer = (id: number, s: IdShift): number => (s.base === 0 ? id : id >= s.base && id < s.base + s.count ? id - s.base : 65534);

const tempName = (name: string): string => `.#nsbox-copy-${name}-${randomBytes(6).toString('hex')}`;

/** Copies one host file system object to `name` in the directory `dirfd` (in the container). */
function copyNodeIn(machine: string, source: string, st: Stats, dirfd: number, name: string, shift: IdShift): void {
  const c = at();
  const uid = intoContainer(st.uid, shift);
  const gid = intoContainer(st.gid, shift);
  if (st.isSymbolicLink()) {
    check(c.symlinkat(readlinkSync(source), dirfd, name), machine, source);
    check(c.fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW), machine, source);
    return;
  }
  if (st.isDirectory()) {
    check(c.mkdirat(dirfd, name, 0o700), machine, source);
    const fd = check(c.openat(dirfd, name, constants.O_RDONLY | O_DIRECTORY | constants.O_NOFOLLOW | O_CLOEXEC, 0), machine, source);
    try {
      for (const child of readdirSync(source)) copyNodeIn(machine, join(source, child), lstatSync(join(source, child)), fd, child, shift);
      fchownSync(fd, uid, gid);
      fchmodSync(fd, st.mode & 0o7777);
      futimesSync(fd, st.atime, st.mtime);
    } finally {
      closeSync(fd);
    }
    return;
  }
  if (!st.isFile()) throw new MachineCopyError(machine, source, 'only files, directories and symlinks are copied');
  const out = check(c.openat(dirfd, name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | O_CLOEXEC, 0o600), machine, source);
  const input = openSync(source, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    copyBytes(input, out);
    // After the owner: chown clears the set-id bits.
    fchownSync(out, uid, gid);
    fchmodSync(out, st.mode & 0o7777);
    futimesSync(out, st.atime, st.mtime);
  } finally {
    closeSync(input);
    closeSync(out);
  }
}

function copyBytes(from: number, to: number): void {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let n; (n = readSync(from, buf, 0, buf.length, null)) > 0; ) {
    for (let off = 0; off < n; ) off += writeSync(to, buf, off, n - off);
  }
}

/** Removes `name` below `dirfd` and everything in it, never following a symlink. */
function removeAt(dirfd: number, name: string): void {
  const c = at();
  if (c.unlinkat(dirfd, name, 0) === 0) return;
  const fd = c.openat(dirfd, name, constants.O_RDONLY | O_DIRECTORY | constants.O_NOFOLLOW | O_CLOEXEC, 0);
  if (fd < 0) return;
  try {
    for (const child of readdirSync(`/proc/self/fd/${fd}`)) removeAt(fd, child);
  } finally {
    closeSync(fd);
  }
  c.unlinkat(dirfd, name, AT_REMOVEDIR);
}

/** The container's directory that will hold `path`, opened inside its root. */
function openParentIn(machine: string, root: string, path: string): number {
  const opened = openInRoot(root, dirname(path), O_PATH | O_DIRECTORY);
  if ('errno' in opened) throw new MachineCopyError(machine, dirname(path), `${errnoInfo(opened.errno).text} (in the machine)`);
  return opened.fd;
}

/** Host `source` -> container `destination` (which must not exist), through the leader's root. */
export function copyToMachine(machine: string, leader: number, source: string, destination: string, shift: IdShift): void {
  const st = lstatSync(source);
  const root = `/proc/${leader}/root`;
  const existing = openInRoot(root, destination, O_PATH | constants.O_NOFOLLOW);
  if (!('errno' in existing)) {
    closeSync(existing.fd);
    throw new MachineCopyError(machine, destination, 'File already exists (in the machine)');
  }
  const parent = openParentIn(machine, root, destination);
  const name = basename(destination);
  const tmp = tempName(name);
  try {
    copyNodeIn(machine, source, st, parent, tmp, shift);
    if (at().renameat2(parent, tmp, parent, name, RENAME_NOREPLACE) < 0) {
      throw new MachineCopyError(machine, destination, `${errnoInfo(koffi().errno()).text} (in the machine)`);
    }
  } catch (err) {
    removeAt(parent, tmp);
    if (err instanceof NsboxError) throw err;
    throw new MachineCopyError(machine, source, (err as Error).message);
  } finally {
    closeSync(parent);
  }
}

/** Copies the object at `fd` (an O_PATH fd in the container) to host `target`. */
function copyNodeOut(machine: string, label: string, fd: number, target: string, shift: IdShift): void {
  const st = fstatSync(fd);
  const uid = outOfContainer(st.uid, shift);
  const gid = outOfContainer(st.gid, shift);
  const c = at();
  if (st.isSymbolicLink()) {
    const buf = Buffer.alloc(4096);
    const n = check(c.readlinkat(fd, '', buf, buf.length), machine, label);
    symlinkSync(buf.subarray(0, n).toString('utf8'), target);
    lchownSync(target, uid, gid);
    return;
  }
  if (st.isDirectory()) {
    mkdirSync(target, { mode: 0o700 });
    for (const child of readdirSync(`/proc/self/fd/${fd}`)) {
      const childFd = check(c.openat(fd, child, O_PATH | constants.O_NOFOLLOW | O_CLOEXEC, 0), machine, `${label}/${child}`);
      try {
        copyNodeOut(machine, `${label}/${child}`, childFd, join(target, child), shift);
      } finally {
        closeSync(childFd);
      }
    }
  } else if (st.isFile()) {
    // Reopened for reading through the O_PATH fd's own magic link: the same inode, no lookup.
    const input = openSync(`/proc/self/fd/${fd}`, constants.O_RDONLY | constants.O_NONBLOCK);
    const out = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      copyBytes(input, out);
    } finally {
      closeSync(input);
      closeSync(out);
    }
  } else {
    throw new MachineCopyError(machine, label, 'only files, directories and symlinks are copied');
  }
  chownSync(target, uid, gid);
  chmodSync(target, st.mode & 0o7777);
  utimesSync(target, st.atime, st.mtime);
}

/** Container `source` -> host `destination` (which must not exist). */
export function copyFromMachine(machine: string, leader: number, source: string, destination: string, shift: IdShift): void {
  if (existsSync(destination)) throw new MachineCopyError(machine, destination, 'File already exists');
  const opened = openInRoot(`/proc/${leader}/root`, source, O_PATH | constants.O_NOFOLLOW);
  if ('errno' in opened) throw new MachineCopyError(machine, source, `${errnoInfo(opened.errno).text} (in the machine)`);
  const tmp = join(dirname(destination), tempName(basename(destination)));
  try {
    copyNodeOut(machine, source, opened.fd, tmp, shift);
    renameSync(tmp, destination);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof NsboxError) throw err;
    throw new MachineCopyError(machine, source, (err as Error).message);
  } finally {
    closeSync(opened.fd);
  }
}
