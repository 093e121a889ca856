// The API file systems and /dev as systemd-nspawn 252 sets them up (checked from inside the real
// one on this machine: test/kernel/nspawn-compare.test.ts). Sizes are nspawn's TMPFS_LIMITS_*:
// percentages of RAM, so the host's memory size is a fact.
import type { Op } from '../plan/types.js';
import { hostPath, rootPath } from '../plan/types.js';
import { credentialOps, type Credential } from './credentials.js';

const API = { nosuid: true, nodev: true, noexec: true } as const;
const KIB = 1024;

export interface ApiMountInput {
  readonly memTotalBytes: number;
  readonly privateNetwork: boolean;
  /** The pty becomes /dev/console; absent with --pipe, as in nspawn. */
  readonly console: boolean;
  /** /tmp is left alone when a --bind or --tmpfs covers it. */
  readonly mountTmp: boolean;
}

/** nspawn's TMPFS_LIMITS_*: p% of RAM, in whole pages. */
export const percent = (total: number, p: number): number => Math.floor((total * p) / 100 / 4096) * 4096;
const ensureDir = (path: string): Op => ({ kind: 'mkdir', path: rootPath(path), mode: 0o755, parents: true });

/**
 * nspawn 252's mount table hides these behind an empty, mode-000, read-only file: they show the
 * kernel's internals (symbol addresses, memory, timers, every key's description) or act on the
 * whole host (sysrq-trigger). nspawn 252 binds /run/systemd/inaccessible/reg inside the container,
 * which does not exist yet when it mounts /proc, so there the masks silently fail (seen on this
 * machine: its containers read the host's /proc/keys); nsbox applies them (docs/compatibility.md).
 */
export const PROC_HIDDEN_FILES = ['kallsyms', 'kcore', 'keys', 'sysrq-trigger', 'timer_list'] as const;
/** Hardware information and tunables, read-only (nspawn 252 does apply these). */
export const PROC_READ_ONLY_DIRS = ['acpi', 'apm', 'asound', 'bus', 'fs', 'irq', 'scsi'] as const;

/**
 * /proc, with the kernel's knobs read-only; /proc/sys/net stays writable in a private network.
 * /proc/kmsg becomes a FIFO the supervisor holds open (kmsgFifo, on the host), as nspawn does, so
 * a syslog daemon inside reads nothing rather than the host kernel's log (or an error).
 */
export function procOps(privateNetwork: boolean, bootId?: string, kmsgFifo?: string): Op[] {
  const ro = (path: string): Op => ({ kind: 'bind', source: rootPath(path), target: rootPath(path), recursive: false, flags: { ...API, readOnly: true }, optional: true, create: 'no' });
  const ops: Op[] = [ensureDir('/proc'), { kind: 'proc', target: rootPath('/proc'), flags: API }, ro('/proc/sys')];
  // After the /proc/sys self-bind, which is not recursive and would hide it otherwise.
  if (bootId !== undefined) {
    const content = new TextEncoder().encode(`${bootId}\n`);
    // Read-only, nosuid, nodev, noexec, as the boot_id mount nspawn 252 leaves visible.
    ops.push({ kind: 'bind-content', target: rootPath('/proc/sys/kernel/random/boot_id'), content, mode: 0o444, flags: { ...API, readOnly: true } });
  }
  if (privateNetwork) ops.push({ kind: 'bind', source: rootPath('/proc/sys/net'), target: rootPath('/proc/sys/net'), recursive: false, flags: API, optional: true, create: 'no' });
  for (const file of PROC_HIDDEN_FILES) ops.push({ kind: 'inaccessible', target: rootPath(`/proc/${file}`), optional: true });
  for (const dir of PROC_READ_ONLY_DIRS) ops.push(ro(`/proc/${dir}`));
  if (kmsgFifo !== undefined) {
    ops.push({ kind: 'bind', source: hostPath(kmsgFifo), target: rootPath('/proc/kmsg'), recursive: false, flags: { nosuid: true, nodev: true }, optional: true, create: 'no' });
  }
  return ops;
}

export const sysOps = (): Op[] => [ensureDir('/sys'), { kind: 'sysfs', target: rootPath('/sys'), flags: { ...API, readOnly: true } }];

const CHAR_DEVICES: readonly { readonly path: string; readonly major: number; readonly minor: number }[] = [
  { path: '/dev/null', major: 1, minor: 3 }, { path: '/dev/zero', major: 1, minor: 5 },
  { path: '/dev/full', major: 1, minor: 7 }, { path: '/dev/random', major: 1, minor: 8 },
  { path: '/dev/urandom', major: 1, minor: 9 }, { path: '/dev/tty', major: 5, minor: 0 },
  { path: '/dev/net/tun', major: 10, minor: 200 },
];

const DEV_LINKS: readonly [string, string][] = [
  ['/dev/fd', '/proc/self/fd'], ['/dev/stdin', '/proc/self/fd/0'], ['/dev/stdout', '/proc/self/fd/1'],
  ['/dev/stderr', '/proc/self/fd/2'], ['/dev/ptmx', 'pts/ptmx'],
];

/** A private /dev: the standard nodes, devpts (ptys of its own), shm, mqueue, /dev/char links. */
export function devOps(input: ApiMountInput): Op[] {
  const ops: Op[] = [
    ensureDir('/dev'),
    { kind: 'tmpfs', target: rootPath('/dev'), mode: 0o755, sizeBytes: 4096 * KIB, nrInodes: 64 * KIB, flags: { nosuid: true }, create: 'no' },
    { kind: 'mkdir', path: rootPath('/dev/net'), mode: 0o755, parents: false },
    { kind: 'mkdir', path: rootPath('/dev/char'), mode: 0o755, parents: false },
  ];
  for (const d of CHAR_DEVICES) {
    ops.push({ kind: 'mknod', path: rootPath(d.path), type: 'char', major: d.major, minor: d.minor, mode: 0o666 });
    ops.push({ kind: 'symlink', path: rootPath(`/dev/char/${d.major}:${d.minor}`), linkTarget: `..${d.path.slice(4)}` });
  }
  // mknod honours the umask; chmod makes the modes exact, as nspawn's copy_devnodes does.
  for (const d of CHAR_DEVICES) ops.push({ kind: 'chmod', path: rootPath(d.path), mode: 0o666 });
  for (const [path, target] of DEV_LINKS) ops.push({ kind: 'symlink', path: rootPath(path), linkTarget: target });
  ops.push(
    { kind: 'devpts', target: rootPath('/dev/pts'), ptmxMode: 0o666, mode: 0o620, gid: 5, flags: { nosuid: true, noexec: true } },
    { kind: 'tmpfs', target: rootPath('/dev/shm'), mode: 0o1777, sizeBytes: percent(input.memTotalBytes, 10), nrInodes: 400 * KIB, flags: { nosuid: true, nodev: true }, create: 'dir' },
    { kind: 'mkdir', path: rootPath('/dev/mqueue'), mode: 0o755, parents: false },
    { kind: 'mqueue', target: rootPath('/dev/mqueue'), flags: API },
  );
  if (input.console) {
    ops.push({ kind: 'write-file', path: rootPath('/dev/console'), content: new Uint8Array(), mode: 0o600 });
    ops.push({ kind: 'bind-console', target: rootPath('/dev/console') });
  }
  return ops;
}

export interface RunHostInput {
  readonly memTotalBytes: number;
  readonly containerUuid: string;
  readonly osReleasePath?: string;
  /** The helper's notify socket on the host, bound to NOTIFY_SOCKET_PATH. */
  readonly notifySocketHostPath: string;
  readonly credentials: readonly Credential[];
}

/** Where the payload finds its sd_notify(3) socket, as in nspawn. */
export const NOTIFY_SOCKET_PATH = '/run/host/notify';

/**
 * /run as a tmpfs and /run/host, nspawn's window onto the host: read-only, with the host's
 * os-release, the manager's name, the notify socket and the "inaccessible" nodes systemd uses
 * for InaccessiblePaths=. nspawn binds its socket right there; here the helper binds it on the
 * host before the namespaces exist, and its file is bound over a placeholder.
 */
export function runOps(input: RunHostInput): Op[] {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const inacc = '/run/host/inaccessible';
  const ops: Op[] = [
    ensureDir('/run'),
    { kind: 'tmpfs', target: rootPath('/run'), mode: 0o755, sizeBytes: percent(input.memTotalBytes, 20), nrInodes: 800 * KIB, flags: { nosuid: true, nodev: true }, create: 'no' },
    { kind: 'mkdir', path: rootPath('/run/host'), mode: 0o755, parents: false },
    { kind: 'write-file', path: rootPath('/run/host/container-manager'), content: text('nsbox\n'), mode: 0o444 },
    { kind: 'write-file', path: rootPath('/run/host/container-uuid'), content: text(`${input.containerUuid}\n`), mode: 0o444 },
    { kind: 'mkdir', path: rootPath(inacc), mode: 0o755, parents: false },
    { kind: 'mkdir', path: rootPath(`${inacc}/dir`), mode: 0, parents: false },
    { kind: 'write-file', path: rootPath(`${inacc}/reg`), content: new Uint8Array(), mode: 0 },
    { kind: 'mknod', path: rootPath(`${inacc}/fifo`), type: 'fifo', major: 0, minor: 0, mode: 0 },
    { kind: 'mknod', path: rootPath(`${inacc}/chr`), type: 'char', major: 0, minor: 0, mode: 0 },
    { kind: 'mknod', path: rootPath(`${inacc}/blk`), type: 'block', major: 0, minor: 0, mode: 0 },
  ];
  if (input.osReleasePath !== undefined) {
    ops.push({ kind: 'write-file', path: rootPath('/run/host/os-release'), content: new Uint8Array(), mode: 0o444 });
  }
  ops.push({ kind: 'write-file', path: rootPath(NOTIFY_SOCKET_PATH), content: new Uint8Array(), mode: 0o755 });
  const credentials = credentialOps(input.credentials);
  ops.push(...credentials.mountPoint);
  ops.push({ kind: 'bind', source: rootPath('/run/host'), target: rootPath('/run/host'), recursive: false, flags: { ...API, readOnly: true }, optional: false, create: 'no' });
  // Not read-only: sending to a socket is a write, and an ro mount would refuse it.
  ops.push({ kind: 'bind', source: hostPath(input.notifySocketHostPath), target: rootPath(NOTIFY_SOCKET_PATH), recursive: false, flags: { nosuid: true, nodev: true, noexec: true }, optional: false, create: 'no' });
  if (input.osReleasePath !== undefined) {
    ops.push({ kind: 'bind', source: hostPath(input.osReleasePath), target: rootPath('/run/host/os-release'), recursive: false, flags: { ...API, readOnly: true }, optional: false, create: 'no' });
  }
  ops.push(...credentials.contents);
  return ops;
}

export function tmpOps(input: ApiMountInput): Op[] {
  if (!input.mountTmp) return [];
  return [
    ensureDir('/tmp'),
    { kind: 'tmpfs', target: rootPath('/tmp'), mode: 0o1777, sizeBytes: percent(input.memTotalBytes, 10), nrInodes: 400 * KIB, flags: { nosuid: true, nodev: true }, create: 'no' },
  ];
}
