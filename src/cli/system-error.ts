// Node's own system errors (a mkdir refused with EACCES) are printed as a message, like nsbox's
// errors, rather than as a stack trace: they carry the path and the errno text already.
export const isSystemError = (err: unknown): err is NodeJS.ErrnoException =>
  err instanceof Error && typeof (err as NodeJS.ErrnoException).errno === 'number' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
