// The few libc calls Node lacks, through koffi (FFI), loaded once and only when first needed.
import { koffi } from '../ffi/koffi.js';

export interface Libc {
  memfd_create(name: string, flags: number): number;
  dup2(from: number, to: number): number;
  fcntl(fd: number, cmd: number, ...args: unknown[]): number;
  lseek(fd: number, offset: number, whence: number): number;
  execve(path: string, argv: (string | null)[], envp: (string | null)[]): number;
  isatty(fd: number): number;
  flock(fd: number, operation: number): number;
}

let libc: Libc | undefined;

export function loadLibc(): Libc {
  if (libc) return libc;
  const lib = koffi().load('libc.so.6');
  libc = {
    memfd_create: lib.func('int memfd_create(const char *name, unsigned int flags)'),
    dup2: lib.func('int dup2(int oldfd, int newfd)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
    lseek: lib.func('long lseek(int fd, long offset, int whence)'),
    execve: lib.func('int execve(const char *path, const char **argv, const char **envp)'),
    isatty: lib.func('int isatty(int fd)'),
    flock: lib.func('int flock(int fd, int operation)'),
  } as Libc;
  return libc;
}

/**
 * isatty(3). node:tty's isatty loads Node's whole net/stream stack (~8 ms), which a container
 * start that hands its process over never uses otherwise; libc is loaded for the hand-over anyway.
 */
export const isTerminal = (fd: number): boolean => loadLibc().isatty(fd) === 1;
