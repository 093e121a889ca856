// Puts a container's device allow list (nspawn/device-policy.ts) in force on its cgroup before
// anything joins it: on cgroup v1 in the devices hierarchy, on cgroup2 as a device program.
//
// v1: the policy goes on the container's directory and the container joins a child of it
// ("payload", which inherits the list when made). A container root that keeps CAP_SYS_ADMIN can
// mount the devices hierarchy itself (its cgroup namespace shows the joined directory as "/") and
// write devices.allow there; the kernel only lets a cgroup widen its list up to its parent's,
// which is then the policy directory, out of the container's reach.
// cgroup2: the program is attached with BPF_F_ALLOW_MULTI, as systemd attaches its own: programs
// further down may only refuse more. Detaching it needs bpf(), which the container's system-call
// filter refuses (as nspawn's does). An attached program stays with the cgroup once its fd is
// closed, and goes with the cgroup.
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { NsboxError } from '../errors.js';
import { devicesAllowLines, type DeviceRule } from '../nspawn/device-policy.js';
import { BPF_CGROUP_DEVICE, BPF_PROG_TYPE_CGROUP_DEVICE, deviceProgram, encodeProgram } from '../nspawn/device-bpf.js';
import { koffi, type ForeignFunction } from '../ffi/koffi.js';
import { DEVICES_PAYLOAD, type DevicePolicyTarget } from '../nspawn/cgroup-layout.js';
import { errnoInfo } from '../executor/errno.js';

export class DevicePolicyError extends NsboxError {
  readonly code = 'DEVICE_POLICY';
  constructor(
    readonly cgroup: string,
    /** What failed: "devices.deny", "devices.allow", "BPF_PROG_LOAD", "BPF_PROG_ATTACH" ... */
    readonly step: string,
    readonly detail: string,
  ) {
    super(`device policy on ${cgroup}: ${step}: ${detail}`);
    this.name = 'DevicePolicyError';
  }
}

/** "a" denied, then the allow list, one rule per write (the kernel parses one per write). */
export function applyV1DevicePolicy(dir: string, rules: readonly DeviceRule[]): string {
  const write = (file: string, line: string, mayRefuse = false): void => {
    try {
      writeFileSync(`${dir}/${file}`, line);
    } catch (err) {
      // A parent that does not allow a node itself (nsbox run from a unit with a DevicePolicy= of
      // its own) refuses to pass it on: the container could not use it anyway, and the rest of the
      // list still holds, as systemd goes on past such a line. Anything else fails the start.
      if (mayRefuse && (err as NodeJS.ErrnoException).code === 'EPERM') return;
      throw new DevicePolicyError(dir, file, `"${line}": ${(err as Error).message}`);
    }
  };
  write('devices.deny', 'a');
  for (const line of devicesAllowLines(rules)) write('devices.allow', line, true);
  const payload = `${dir}/${DEVICES_PAYLOAD}`;
  try {
    mkdirSync(payload);
  } catch (err) {
    throw new DevicePolicyError(dir, 'mkdir payload', (err as Error).message);
  }
  return payload;
}

const BPF_PROG_LOAD = 5;
const BPF_PROG_ATTACH = 8;
const BPF_F_ALLOW_MULTI = 2;
/** Larger than any bpf_attr member used here; the kernel wants the bytes past its own size zero. */
const ATTR_SIZE = 128;
const SYS_BPF: Readonly<Record<string, number>> = { x64: 321, arm64: 280 };

let syscall: ForeignFunction | undefined;

function bpf(cmd: number, attr: Buffer): number {
  const nr = SYS_BPF[process.arch];
  if (nr === undefined) throw new DevicePolicyError('-', 'bpf', `no bpf() system call number known for ${process.arch}`);
  syscall ??= koffi().load('libc.so.6').func('long syscall(long nr, ...)');
  const ret = Number(syscall(nr, 'int', cmd, 'void *', attr, 'unsigned int', ATTR_SIZE));
  return ret < 0 ? -koffi().errno() : ret;
}

const errnoText = (negErrno: number): string => {
  const { name, text } = errnoInfo(-negErrno);
  return `${name} (${text})`;
};

function loadProgram(rules: readonly DeviceRule[], dir: string): number {
  const insns = Buffer.from(encodeProgram(deviceProgram(rules)));
  const license = Buffer.from('GPL\0');
  const attr = Buffer.alloc(ATTR_SIZE);
  attr.writeUInt32LE(BPF_PROG_TYPE_CGROUP_DEVICE, 0);
  attr.writeUInt32LE(insns.length / 8, 4);
  attr.writeBigUInt64LE(koffi().address(insns), 8);
  attr.writeBigUInt64LE(koffi().address(license), 16);
  attr.write('nsbox_devices', 48, 'latin1');
  attr.writeUInt32LE(BPF_CGROUP_DEVICE, 68);
  const fd = bpf(BPF_PROG_LOAD, attr);
  if (fd >= 0) return fd;
  // Again with the verifier's log, which says which instruction it refused.
  const log = Buffer.alloc(16 * 1024);
  attr.writeUInt32LE(1, 24);
  attr.writeUInt32LE(log.length, 28);
  attr.writeBigUInt64LE(koffi().address(log), 32);
  const retry = bpf(BPF_PROG_LOAD, attr);
  if (retry >= 0) return retry;
  const text = log.toString('latin1', 0, Math.max(0, log.indexOf(0))).trim();
  throw new DevicePolicyError(dir, 'BPF_PROG_LOAD', `${errnoText(fd)}${text ? `: ${text}` : ''}`);
}

/** Loads the list as a device program and attaches it to the cgroup2 directory `dir`. */
export function attachDeviceProgram(dir: string, rules: readonly DeviceRule[]): void {
  const progFd = loadProgram(rules, dir);
  let cgroupFd = -1;
  try {
    cgroupFd = openSync(dir, 'r');
    const attr = Buffer.alloc(ATTR_SIZE);
    attr.writeUInt32LE(cgroupFd, 0);
    attr.writeUInt32LE(progFd, 4);
    attr.writeUInt32LE(BPF_CGROUP_DEVICE, 8);
    attr.writeUInt32LE(BPF_F_ALLOW_MULTI, 12);
    const ret = bpf(BPF_PROG_ATTACH, attr);
    if (ret < 0) throw new DevicePolicyError(dir, 'BPF_PROG_ATTACH', errnoText(ret));
  } finally {
    if (cgroupFd >= 0) closeSync(cgroupFd);
    closeSync(progFd);
  }
}

/** Puts the rules in force where the planner said (cgroup-layout.ts devicePolicyTarget). */
export function applyDevicePolicy(target: DevicePolicyTarget, rules: readonly DeviceRule[]): void {
  if (target.kind === 'v1-devices') applyV1DevicePolicy(target.dir, rules);
  else if (target.kind === 'cgroup2-program') attachDeviceProgram(target.dir, rules);
}
