// Value syntaxes of systemd.exec(5) directives: path lists with `-`/`+` prefixes, bind paths,
// temporary file systems, resource limits, capability sets, errno names, environment assignments.
import type { Rlimit, RlimitValue } from '../plan/types.js';
import { capabilityNumber } from '../plan/capabilities.js';
import type { BindPathSetting, PathSetting, SystemCallAction, TemporaryFileSystemSetting } from './exec-settings.js';
import { UnitValueError } from './errors.js';
import { parseSize, parseTimeSpan, parseUnsigned } from './values.js';
import { splitWords } from './words.js';

export function isNormalizedAbsolutePath(p: string): boolean {
  return p.startsWith('/') && !/(^|\/)\.\.?(\/|$)/.test(p) && p.length <= 4096;
}

/** path_simplify(): collapses `//` and `/./`, drops a trailing slash; '' and '/' give '/'. */
export function simplifyPath(p: string): string {
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  return `/${parts.join('/')}`;
}

export function parseAbsolutePath(value: string, what: string): string {
  if (!value.startsWith('/')) throw new UnitValueError(`${what} path is not absolute`, value);
  if (!isNormalizedAbsolutePath(value)) throw new UnitValueError(`${what} path is not normalized`, value);
  return simplifyPath(value);
}

/** One ReadOnlyPaths=-style entry: `-` (ignore missing) then `+` (inside RootDirectory=). */
export function parsePathSetting(word: string, what: string): PathSetting {
  let rest = word;
  const ignoreMissing = rest.startsWith('-');
  if (ignoreMissing) rest = rest.slice(1);
  const relativeToRoot = rest.startsWith('+');
  if (relativeToRoot) rest = rest.slice(1);
  return { path: parseAbsolutePath(rest, what), ignoreMissing, relativeToRoot };
}

/** Splits at unescaped colons; `\:` is a literal colon. */
function splitColons(word: string): string[] {
  const parts: string[] = [];
  let part = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (c === '\\' && i + 1 < word.length) part += word[++i];
    else if (c === ':') {
      parts.push(part);
      part = '';
    } else part += c;
  }
  parts.push(part);
  return parts;
}

/** BindPaths=/BindReadOnlyPaths= entry: `[-]SOURCE[:DEST[:rbind|norbind]]`. */
export function parseBindPath(word: string): BindPathSetting {
  const parts = splitColons(word);
  let source = parts[0] ?? '';
  const ignoreMissing = source.startsWith('-');
  if (ignoreMissing) source = source.slice(1);
  source = parseAbsolutePath(source, 'Bind source');
  const destination = parts[1] !== undefined ? parseAbsolutePath(parts[1], 'Bind destination') : source;
  const option = parts[2] ?? 'rbind';
  if (parts.length > 3 || (option !== 'rbind' && option !== 'norbind')) {
    throw new UnitValueError('Invalid bind mount options', word);
  }
  return { source, destination, ignoreMissing, recursive: option === 'rbind' };
}

export function parseTemporaryFileSystem(word: string): TemporaryFileSystemSetting {
  const colon = word.indexOf(':');
  const path = parseAbsolutePath(colon < 0 ? word : word.slice(0, colon), 'TemporaryFileSystem=');
  return { path, options: colon < 0 ? '' : word.slice(colon + 1) };
}

const RLIMIT_KIND: Readonly<Record<Rlimit, 'size' | 'sec' | 'usec' | 'nice' | 'count'>> = {
  cpu: 'sec', fsize: 'size', data: 'size', stack: 'size', core: 'size', rss: 'size', nproc: 'count',
  nofile: 'count', memlock: 'size', as: 'size', locks: 'count', sigpending: 'count', msgqueue: 'size',
  nice: 'nice', rtprio: 'count', rttime: 'usec',
};

function parseRlimitPart(text: string, resource: Rlimit): number | null {
  if (text === 'infinity') return null;
  switch (RLIMIT_KIND[resource]) {
    case 'size': return parseSize(text);
    case 'sec': {
      const usec = parseTimeSpan(text);
      return usec === Infinity ? null : Math.ceil(usec / 1e6);
    }
    case 'usec': {
      const usec = parseTimeSpan(text, 1);
      return usec === Infinity ? null : usec;
    }
    case 'nice': {
      // A signed value is a nice level (rlimit = 20 - nice); a bare number is the raw rlimit.
      if (/^[+-]\d+$/.test(text)) {
        const nice = Number(text);
        if (nice < -20 || nice > 19) throw new UnitValueError('Nice level out of range', text);
        return 20 - nice;
      }
      return parseUnsigned(text);
    }
    case 'count': return parseUnsigned(text);
  }
}

/** `Limit*=SOFT[:HARD]`; one value sets both. */
export function parseRlimit(value: string, resource: Rlimit): RlimitValue {
  const colon = value.indexOf(':');
  const soft = parseRlimitPart(colon < 0 ? value : value.slice(0, colon), resource);
  const hard = colon < 0 ? soft : parseRlimitPart(value.slice(colon + 1), resource);
  if (soft !== null && (hard === null ? false : soft > hard)) throw new UnitValueError('Soft limit above hard limit', value);
  return { soft, hard };
}

/** Capability names (any case, with or without `CAP_`) into numbers, sorted, no duplicates. */
export function parseCapabilityList(value: string): number[] {
  const numbers = new Set<number>();
  for (const word of splitWords(value, { unquote: true })) {
    const n = capabilityNumber(word);
    if (n === undefined) throw new UnitValueError('Failed to parse capability in bounding/ambient set', word);
    numbers.add(n);
  }
  return [...numbers].sort((a, b) => a - b);
}

const ERRNO: readonly string[] = [
  '', 'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD', 'EAGAIN',
  'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV', 'ENOTDIR', 'EISDIR',
  'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC', 'ESPIPE', 'EROFS', 'EMLINK',
  'EPIPE', 'EDOM', 'ERANGE', 'EDEADLK', 'ENAMETOOLONG', 'ENOLCK', 'ENOSYS', 'ENOTEMPTY', 'ELOOP',
];
const ERRNO_EXTRA: Readonly<Record<string, number>> = {
  EWOULDBLOCK: 11, ENOTSUP: 95, EOPNOTSUPP: 95, EAFNOSUPPORT: 97, EADDRINUSE: 98, ECONNREFUSED: 111,
  ENOMSG: 42, EUCLEAN: 117, ENOMEDIUM: 123, ENOTCONN: 107, ETIMEDOUT: 110, EPROTONOSUPPORT: 93,
};

export function parseErrno(value: string): number {
  const index = ERRNO.indexOf(value);
  if (index > 0) return index;
  const extra = ERRNO_EXTRA[value];
  if (extra !== undefined) return extra;
  if (/^\d+$/.test(value) && Number(value) > 0 && Number(value) <= 4095) return Number(value);
  throw new UnitValueError('Failed to parse errno', value);
}

/** SystemCallErrorNumber= and the `:ERRNO` suffix: an errno, `kill` or `log`. */
export function parseSystemCallAction(value: string): SystemCallAction {
  if (value === 'kill') return { kind: 'kill' };
  if (value === 'log') return { kind: 'log' };
  return { kind: 'errno', errno: parseErrno(value) };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * env_name_is_valid(): bash's name characters, not starting with a digit, and no longer than an
 * assignment can be (ARG_MAX less `=` and the NUL; Linux's ARG_MAX with the default 8 MiB stack).
 */
const MAX_ENV_NAME = 2 * 1024 * 1024 - 2;
export const isValidEnvName = (s: string): boolean => s.length <= MAX_ENV_NAME && ENV_NAME.test(s);

/** env_assignment_is_valid(): `NAME=VALUE` with a valid name and no control characters. */
export function isValidEnvAssignment(s: string): boolean {
  const eq = s.indexOf('=');
  // eslint-disable-next-line no-control-regex
  return eq > 0 && isValidEnvName(s.slice(0, eq)) && !/[\x00-\x08\x0b-\x1f\x7f]/.test(s);
}

/** valid_user_group_name() in relaxed mode (what unit files accept), or a numeric id. */
export function isValidUserOrGroup(s: string): boolean {
  if (/^\d+$/.test(s)) return Number(s) < 4294967295 && Number(s) !== 65535;
  return s.length > 0 && s.length <= 256 && !/^[-.+~]|^\d+$|[\s:/]|^\.\.?$/.test(s);
}
