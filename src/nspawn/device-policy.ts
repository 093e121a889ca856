// The device nodes a container may open or create, as systemd-nspawn 252 asks systemd for them:
// DevicePolicy=closed (which itself allows null, zero, full, random, urandom, tty, ptmx and the
// "inaccessible" nodes, all rwm), plus DeviceAllow=/dev/net/tun rwm and char-pts rw (ptys may be
// used but never created), plus r or rw for each device node bound in with --bind/--bind-ro
// (nspawn-register.c append_machine_properties, cgroup.c's closed-policy list). Everything else
// is refused: opening it (EPERM) and mknod of it (EPERM). Enforced by the edge: a v1 devices
// cgroup (src/cgroups/device-policy.ts) or a cgroup2 device program (./device-bpf.ts).

export type DeviceType = 'char' | 'block';

export interface DeviceAccess {
  readonly read: boolean;
  readonly write: boolean;
  readonly mknod: boolean;
}

export interface DeviceRule {
  readonly type: DeviceType;
  /** '*': any. */
  readonly major: number | '*';
  readonly minor: number | '*';
  readonly access: DeviceAccess;
}

/** A device node on the host that a --bind or --bind-ro puts into the container (stat by the edge). */
export interface BoundDevice {
  readonly type: DeviceType;
  readonly major: number;
  readonly minor: number;
  readonly readOnly: boolean;
}

const RWM: DeviceAccess = { read: true, write: true, mknod: true };
const RW: DeviceAccess = { read: true, write: true, mknod: false };
const R: DeviceAccess = { read: true, write: false, mknod: false };

const char = (major: number, minor: number | '*', access: DeviceAccess): DeviceRule => ({ type: 'char', major, minor, access });

/**
 * systemd's closed-policy nodes and nspawn's two DeviceAllow= lines. The 0:0 nodes are systemd's
 * /run/systemd/inaccessible/{chr,blk} (on a host where systemd runs, which is where nspawn gets
 * them): the container's own InaccessiblePaths= and nsbox's /run/host/inaccessible are made of them.
 */
const FIXED_RULES: readonly DeviceRule[] = [
  char(1, 3, RWM), // null
  char(1, 5, RWM), // zero
  char(1, 7, RWM), // full
  char(1, 8, RWM), // random
  char(1, 9, RWM), // urandom
  char(5, 0, RWM), // tty
  char(5, 2, RWM), // ptmx
  char(0, 0, RWM), // inaccessible/chr
  { type: 'block', major: 0, minor: 0, access: RWM }, // inaccessible/blk
  char(10, 200, RWM), // net/tun
];

/** The pty slave majors, from /proc/devices ("136 pts"): what systemd's "char-pts" resolves to. */
export function ptsMajors(procDevices: string): number[] {
  const majors: number[] = [];
  let inChar = false;
  for (const line of procDevices.split('\n')) {
    if (line.startsWith('Character devices:')) inChar = true;
    else if (line.startsWith('Block devices:')) inChar = false;
    const m = /^\s*(\d+) (\S+)$/.exec(line);
    if (inChar && m && m[2] === 'pts') majors.push(Number(m[1]));
  }
  return majors;
}

/** The container's whole allow list; `ptsMajorList` from ptsMajors(). */
export function containerDeviceRules(ptsMajorList: readonly number[], bound: readonly BoundDevice[] = []): DeviceRule[] {
  return [
    ...FIXED_RULES,
    ...ptsMajorList.map((major) => char(major, '*', RW)),
    ...bound.map((d): DeviceRule => ({ type: d.type, major: d.major, minor: d.minor, access: d.readOnly ? R : RW })),
  ];
}

const accessText = (a: DeviceAccess): string => `${a.read ? 'r' : ''}${a.write ? 'w' : ''}${a.mknod ? 'm' : ''}`;

/** One v1 devices.allow line per rule ("c 136:* rw"), written after "a" went to devices.deny. */
export const devicesAllowLines = (rules: readonly DeviceRule[]): string[] =>
  rules.map((r) => `${r.type === 'char' ? 'c' : 'b'} ${r.major}:${r.minor} ${accessText(r.access)}`);
