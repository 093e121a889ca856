// Presets as data: the fixed mount entries systemd 252 adds for ProtectSystem=, ProtectHome=,
// ProtectKernel*=, ProtectControlGroups= and the API file systems. Paths are inside the root;
// `ignoreMissing` mirrors systemd's tables (e.g. /boot may be absent, /usr may not).
import type { MountMode, TmpfsOptions } from './mount-entry.js';
import type { ProtectHome, ProtectSystem } from '../unit/exec-settings.js';

export interface PresetEntry {
  readonly path: string;
  readonly mode: MountMode;
  readonly ignoreMissing: boolean;
  readonly readOnly?: boolean;
  readonly tmpfs?: TmpfsOptions;
}

const e = (path: string, mode: MountMode, ignoreMissing: boolean): PresetEntry => ({ path, mode, ignoreMissing });

const emptyTmpfs = (mode: number): TmpfsOptions => ({ mode, nosuid: false, nodev: true, noexec: false });

export const PROTECT_SYSTEM: Readonly<Record<ProtectSystem, readonly PresetEntry[]>> = {
  no: [],
  yes: [e('/usr', 'read-only', false), e('/boot', 'read-only', true), e('/efi', 'read-only', true)],
  full: [
    e('/usr', 'read-only', false), e('/boot', 'read-only', true), e('/efi', 'read-only', true),
    e('/etc', 'read-only', false),
  ],
  // Everything read-only except the API file systems (left to PrivateDevices= and
  // ProtectKernelTunables=) and the homes (left to ProtectHome=): the options stay orthogonal.
  strict: [
    e('/', 'read-only', false),
    e('/proc', 'read-write-implicit', false), e('/sys', 'read-write-implicit', false),
    e('/dev', 'read-write-implicit', false),
    e('/home', 'read-write-implicit', true), e('/run/user', 'read-write-implicit', true),
    e('/root', 'read-write-implicit', true),
  ],
};

export const PROTECT_HOME: Readonly<Record<ProtectHome, readonly PresetEntry[]>> = {
  no: [],
  yes: [e('/home', 'inaccessible', true), e('/run/user', 'inaccessible', true), e('/root', 'inaccessible', true)],
  'read-only': [e('/home', 'read-only', true), e('/run/user', 'read-only', true), e('/root', 'read-only', true)],
  tmpfs: [
    { path: '/home', mode: 'tmpfs', ignoreMissing: true, readOnly: true, tmpfs: emptyTmpfs(0o755) },
    { path: '/run/user', mode: 'tmpfs', ignoreMissing: true, readOnly: true, tmpfs: emptyTmpfs(0o755) },
    { path: '/root', mode: 'tmpfs', ignoreMissing: true, readOnly: true, tmpfs: emptyTmpfs(0o700) },
  ],
};

export const PROTECT_KERNEL_TUNABLES_PROC: readonly PresetEntry[] = [
  e('/proc/acpi', 'read-only', true), e('/proc/apm', 'read-only', true),
  e('/proc/asound', 'read-only', true), e('/proc/bus', 'read-only', true),
  e('/proc/fs', 'read-only', true), e('/proc/irq', 'read-only', true),
  e('/proc/kallsyms', 'inaccessible', true), e('/proc/kcore', 'inaccessible', true),
  e('/proc/latency_stats', 'read-only', true), e('/proc/mtrr', 'read-only', true),
  e('/proc/scsi', 'read-only', true), e('/proc/sys', 'read-only', true),
  e('/proc/sysrq-trigger', 'read-only', true), e('/proc/timer_stats', 'read-only', true),
];

export const PROTECT_KERNEL_TUNABLES_SYS: readonly PresetEntry[] = [
  e('/sys', 'read-only', false), e('/sys/fs/bpf', 'read-only', true),
  // Left to ProtectControlGroups=, which adds its own read-only entry that wins over this one.
  e('/sys/fs/cgroup', 'read-write-implicit', false), e('/sys/fs/selinux', 'read-write-implicit', true),
  e('/sys/kernel/debug', 'read-only', true), e('/sys/kernel/tracing', 'read-only', true),
];

export const PROTECT_KERNEL_MODULES: readonly PresetEntry[] = [e('/usr/lib/modules', 'inaccessible', true)];
export const PROTECT_KERNEL_LOGS_PROC: readonly PresetEntry[] = [e('/proc/kmsg', 'inaccessible', true)];
export const PROTECT_KERNEL_LOGS_DEV: readonly PresetEntry[] = [e('/dev/kmsg', 'inaccessible', true)];
export const PROTECT_CONTROL_GROUPS: readonly PresetEntry[] = [e('/sys/fs/cgroup', 'read-only', false)];

/** MountAPIVFS=yes (implied by RootDirectory=): fresh /proc, host /dev and /sys, an empty /run. */
export const API_VFS: readonly PresetEntry[] = [
  e('/proc', 'procfs', false), e('/dev', 'bind-dev', false), e('/sys', 'sysfs', false),
  { path: '/run', mode: 'run', ignoreMissing: false, tmpfs: { mode: 0o755, nosuid: true, nodev: true, noexec: false } },
];

/** Device nodes of PrivateDevices=' /dev, cloned from the host's (major, minor). */
export const PRIVATE_DEV_NODES: readonly { readonly name: string; readonly major: number; readonly minor: number }[] = [
  { name: 'null', major: 1, minor: 3 }, { name: 'zero', major: 1, minor: 5 },
  { name: 'full', major: 1, minor: 7 }, { name: 'random', major: 1, minor: 8 },
  { name: 'urandom', major: 1, minor: 9 }, { name: 'tty', major: 5, minor: 0 },
  // A node rather than a pts/ptmx symlink: the host devpts' own ptmx is usually mode 000.
  { name: 'ptmx', major: 5, minor: 2 },
];

export const PRIVATE_DEV_SYMLINKS: readonly { readonly name: string; readonly target: string }[] = [
  { name: 'fd', target: '/proc/self/fd' }, { name: 'stdin', target: '/proc/self/fd/0' },
  { name: 'stdout', target: '/proc/self/fd/1' }, { name: 'stderr', target: '/proc/self/fd/2' },
  { name: 'core', target: '/proc/kcore' },
];

/** Host /dev submounts PrivateDevices= carries over (optional ones may be absent). */
export const PRIVATE_DEV_BINDS: readonly { readonly name: string; readonly optional: boolean }[] = [
  { name: 'pts', optional: false }, { name: 'shm', optional: false },
  { name: 'mqueue', optional: true }, { name: 'hugepages', optional: true },
];
