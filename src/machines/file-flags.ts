// The immutable attribute (chattr +i), which is what makes a directory image read-only for
// machinectl: even root cannot change or remove the directory's entries while it is set.
import { closeSync, constants, openSync } from 'node:fs';
import { koffi, type ForeignFunction } from '../ffi/koffi.js';
import { errnoInfo } from '../executor/errno.js';
import { NsboxError } from '../errors.js';

const FS_IOC_GETFLAGS = 0x80086601;
const FS_IOC_SETFLAGS = 0x40086602;
const FS_IMMUTABLE_FL = 0x10;
const O_DIRECTORY = 0o200000;

let ioctl: ForeignFunction | undefined;
const load = (): ForeignFunction => (ioctl ??= koffi().load('libc.so.6').func('int ioctl(int fd, unsigned long request, void *arg)'));

/** The file system refused reading or changing a file's attributes. */
export class FileFlagsError extends NsboxError {
  readonly code = 'FILE_FLAGS';
  constructor(readonly path: string, readonly errno: string, detail: string) {
    super(`${path}: cannot change the immutable attribute: ${detail}`);
    this.name = 'FileFlagsError';
  }
}

function withFd<T>(path: string, directory: boolean, run: (fd: number) => T): T {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | (directory ? O_DIRECTORY : 0));
  try {
    return run(fd);
  } finally {
    closeSync(fd);
  }
}

function getFlags(fd: number, path: string): number {
  const buf = Buffer.alloc(8);
  if (load()(fd, FS_IOC_GETFLAGS, buf) < 0) {
    const { name, text } = errnoInfo(koffi().errno());
    throw new FileFlagsError(path, name, text);
  }
  return buf.readInt32LE(0);
}

/** True when the file's immutable attribute is set; false where the file system has no such attribute. */
export function isImmutable(path: string, directory: boolean): boolean {
  try {
    return withFd(path, directory, (fd) => (getFlags(fd, path) & FS_IMMUTABLE_FL) !== 0);
  } catch (err) {
    if (err instanceof FileFlagsError && (err.errno === 'ENOTTY' || err.errno === 'EOPNOTSUPP')) return false;
    throw err;
  }
}

/** Sets or clears the immutable attribute; a FileFlagsError (ENOTTY, EOPNOTSUPP) where the file system has none. */
export function setImmutable(path: string, directory: boolean, on: boolean): void {
  withFd(path, directory, (fd) => {
    const flags = getFlags(fd, path);
    const buf = Buffer.alloc(8);
    buf.writeInt32LE(on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL, 0);
    if (load()(fd, FS_IOC_SETFLAGS, buf) < 0) {
      const { name, text } = errnoInfo(koffi().errno());
      throw new FileFlagsError(path, name, text);
    }
  });
}
