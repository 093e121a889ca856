// Capability names and numbers (linux/capability.h), and the sets a payload starts with.
import type { Capabilities } from './types.js';

export const CAPABILITY_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

export const CAP_LAST = CAPABILITY_NAMES.length - 1;

export const ALL_CAPABILITIES: readonly number[] = CAPABILITY_NAMES.map((_, i) => i);

/** Accepts `CAP_SYS_ADMIN`, `cap_sys_admin` or `SYS_ADMIN`; undefined when unknown. */
export function capabilityNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  const index = (CAPABILITY_NAMES as readonly string[]).indexOf(full);
  return index < 0 ? undefined : index;
}

/** Capability numbers in a /proc/PID/status mask line (CapPrm, CapEff, CapBnd ...). */
export function capabilitiesFromStatus(statusText: string, field = 'CapPrm'): number[] {
  const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(statusText)?.[1] ?? '0';
  const mask = BigInt(`0x${hex}`);
  return [...Array(64).keys()].filter((i) => ((mask >> BigInt(i)) & 1n) === 1n);
}

export const capabilityName = (n: number): string => CAPABILITY_NAMES[n] ?? `cap_${n}`;

/**
 * The five sets a payload starts with, as systemd's programs set them before exec: root keeps
 * `held` in permitted and effective; any other user starts with only its ambient capabilities, in
 * its inheritable, permitted and effective sets too (the kernel keeps an ambient capability across
 * execve() only when it is in both). Root's inheritable set is where the two programs differ:
 * systemd-nspawn 252 puts its whole retain set there (drop_capabilities() in nspawn.c, the
 * default), a service gets only its ambient set (exec_child(): capability_ambient_set_apply() with
 * also_inherit) — pass that as `rootInheritable`.
 */
export function processCapabilities(
  held: readonly number[],
  uid: number,
  ambient: readonly number[] = [],
  o: { readonly bounding?: readonly number[]; readonly rootInheritable?: readonly number[] } = {},
): Capabilities {
  const amb = [...new Set(ambient)].sort((a, b) => a - b);
  const bounding = o.bounding ?? held;
  if (uid === 0) return { bounding, permitted: held, effective: held, inheritable: o.rootInheritable ?? held, ambient: amb };
  return { bounding, permitted: amb, effective: amb, inheritable: amb, ambient: amb };
}
