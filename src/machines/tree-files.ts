// Reads files of a tree the way the helper resolves paths: inside the tree's root. A container's
// tree belongs to whoever controls the container, so its links may point anywhere on the host
// (etc/machine-id -> /etc/machine-id), and its files may be FIFOs (a read would hang) or devices
// (/dev/zero would fill memory). Every lookup goes through openat2(RESOLVE_IN_ROOT) with magic
// links refused; reads accept regular files only and stop at a size cap.
import { closeSync, constants, fstatSync, readSync } from 'node:fs';
import { koffi, type ForeignFunction } from '../ffi/koffi.js';
import { TreeFileError } from '../errors.js';
import { errnoInfo } from '../executor/errno.js';

const SYS_OPENAT2 = 437; // the same number on every architecture (added after the tables merged)
const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
const RESOLVE_NO_MAGICLINKS = 0x02;
const RESOLVE_IN_ROOT = 0x10;
const AT_FDCWD = -100;
/** Larger than any passwd, group, machine-id or os-release a real tree has. */
export const TREE_FILE_MAX_BYTES = 1024 * 1024;

interface TreeCalls {
  openat2(dirfd: number, path: string, how: Buffer): number;
  readlinkat(fd: number, buf: Buffer): number;
  errno(): number;
}

let calls: TreeCalls | undefined;

function load(): TreeCalls {
  if (calls) return calls;
  const k = koffi();
  const lib = k.load('libc.so.6');
  const syscall: ForeignFunction = lib.func('long syscall(long number, int dirfd, const char *path, void *how, size_t size)');
  const readlinkat: ForeignFunction = lib.func('long readlinkat(int dirfd, const char *path, _Out_ uint8_t *buf, size_t size)');
  calls = {
    openat2: (dirfd, path, how) => Number(syscall(SYS_OPENAT2, dirfd, path, how, how.length)),
    readlinkat: (fd, buf) => Number(readlinkat(fd, '', buf, buf.length)),
    errno: () => k.errno(),
  };
  return calls;
}

function openHow(flags: number, resolve: number): Buffer {
  const how = Buffer.alloc(24); // struct open_how { u64 flags, mode, resolve }
  how.writeBigUInt64LE(BigInt(flags), 0);
  how.writeBigUInt64LE(BigInt(resolve), 16);
  return how;
}


/**
 * Opens `path` (absolute or relative, always taken inside `root`) with every symlink resolved
 * as if `root` were "/". Returns the fd, or the errno when the lookup fails.
 */
export function openInRoot(root: string, path: string, flags: number): { fd: number } | { errno: number } {
  const c = load();
  const rootFd = c.openat2(AT_FDCWD, root, openHow(O_PATH | constants.O_DIRECTORY | O_CLOEXEC, 0));
  if (rootFd < 0) return { errno: c.errno() };
  try {
    const relative = path.replace(/^\/+/, '') || '.';
    const fd = c.openat2(rootFd, relative, openHow(flags | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS));
    return fd < 0 ? { errno: c.errno() } : { fd };
  } finally {
    closeSync(rootFd);
  }
}

const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/**
 * A regular file's text, read inside the tree; undefined when it does not exist. Anything else
 * there (a FIFO, a device, a directory, a file over the cap, a magic link) is a TreeFileError
 * naming the path, never a hang or a read of the host.
 */
export function readTreeFile(root: string, path: string, maxBytes = TREE_FILE_MAX_BYTES): string | undefined {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const opened = openInRoot(root, path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  if ('errno' in opened) {
    const { name, text } = errnoInfo(opened.errno);
    if (ABSENT.has(name)) return undefined;
    throw new TreeFileError(root, path, text);
  }
  try {
    const st = fstatSync(opened.fd);
    if (!st.isFile()) throw new TreeFileError(root, path, 'not a regular file');
    if (st.size > maxBytes) throw new TreeFileError(root, path, `larger than ${maxBytes} bytes`);
    const buf = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n; length < buf.length && (n = readSync(opened.fd, buf, length, buf.length - length, null)) > 0; ) length += n;
    // The size can grow between fstat and read (a file being written); the cap still holds.
    if (length > maxBytes) throw new TreeFileError(root, path, `larger than ${maxBytes} bytes`);
    return buf.subarray(0, length).toString('utf8');
  } finally {
    closeSync(opened.fd);
  }
}

export type TreeEntry = { readonly kind: 'absent' } | { readonly kind: 'symlink'; readonly target: string } | { readonly kind: 'file' | 'directory' | 'other' };

/** What is at `path` inside the tree (the last component not followed), as lstat would say. */
export function lstatInTree(root: string, path: string): TreeEntry {
  const opened = openInRoot(root, path, O_PATH | constants.O_NOFOLLOW);
  if ('errno' in opened) return { kind: 'absent' };
  try {
    const st = fstatSync(opened.fd);
    if (st.isSymbolicLink()) {
      const buf = Buffer.alloc(4096);
      const n = load().readlinkat(opened.fd, buf);
      return { kind: 'symlink', target: n < 0 ? '' : buf.subarray(0, n).toString('utf8') };
    }
    return { kind: st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other' };
  } finally {
    closeSync(opened.fd);
  }
}
