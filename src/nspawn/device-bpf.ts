// A device allow list as a BPF_PROG_TYPE_CGROUP_DEVICE program, the cgroup2 form of a v1 devices
// cgroup: the kernel runs it on every open and mknod of a device node by a member of the cgroup
// (or of any cgroup below), with struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }
// in r1, access_type = access << 16 | type. It returns 1 to allow, 0 to refuse (EPERM).
// The program is one straight run of rule blocks: each compares type, major, minor and the
// requested access against one rule and jumps to the next block on a mismatch; the last block
// refuses. Only forward jumps, so the verifier accepts it without loops. Pure: the edge loads it.
import type { DeviceRule } from './device-policy.js';

/** <linux/bpf.h> values the program and its loader share. */
export const BPF_PROG_TYPE_CGROUP_DEVICE = 15;
export const BPF_CGROUP_DEVICE = 6;
const BPF_DEVCG_DEV_BLOCK = 1;
const BPF_DEVCG_DEV_CHAR = 2;
const BPF_DEVCG_ACC_MKNOD = 1;
const BPF_DEVCG_ACC_READ = 2;
const BPF_DEVCG_ACC_WRITE = 4;

/** struct bpf_insn: opcode, dst and src registers, 16-bit offset, 32-bit immediate. */
export interface BpfInsn {
  readonly code: number;
  readonly dst: number;
  readonly src: number;
  readonly off: number;
  readonly imm: number;
}

// Opcodes (class | op | source), as <linux/bpf_common.h> composes them.
export const OP = {
  /** dst = *(u32 *)(src + off) */
  LDX_W: 0x61,
  /** dst32 = src32 */
  MOV32_X: 0xbc,
  /** dst32 &= imm */
  AND32_K: 0x54,
  /** dst32 >>= imm */
  RSH32_K: 0x74,
  /** dst = imm */
  MOV64_K: 0xb7,
  /** if dst != imm goto pc + 1 + off */
  JNE_K: 0x55,
  EXIT: 0x95,
} as const;

const R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;
const insn = (code: number, dst: number, src: number, off: number, imm: number): BpfInsn => ({ code, dst, src, off, imm });

function ruleBlock(rule: DeviceRule): BpfInsn[] {
  const checks: [number, number][] = [[R3, rule.type === 'char' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK]];
  if (rule.major !== '*') checks.push([R4, rule.major]);
  if (rule.minor !== '*') checks.push([R5, rule.minor]);
  const allowed = (rule.access.mknod ? BPF_DEVCG_ACC_MKNOD : 0) | (rule.access.read ? BPF_DEVCG_ACC_READ : 0) | (rule.access.write ? BPF_DEVCG_ACC_WRITE : 0);
  // r0 = requested & ~allowed must be 0: every requested access is one the rule grants.
  const tail = [insn(OP.MOV32_X, R0, R2, 0, 0), insn(OP.AND32_K, R0, 0, 0, ~allowed & 7), insn(OP.JNE_K, R0, 0, 0, 0), insn(OP.MOV64_K, R0, 0, 0, 1), insn(OP.EXIT, 0, 0, 0, 0)];
  const block = [...checks.map(([reg, value]) => insn(OP.JNE_K, reg, 0, 0, value)), ...tail];
  // Every JNE skips to the end of this block, i.e. the first instruction of the next one.
  return block.map((i, at) => (i.code === OP.JNE_K ? { ...i, off: block.length - at - 1 } : i));
}

/** The program's instructions: r2 = access, r3 = type, r4 = major, r5 = minor, then the rules. */
export function deviceProgram(rules: readonly DeviceRule[]): BpfInsn[] {
  return [
    insn(OP.LDX_W, R2, R1, 0, 0),
    insn(OP.MOV32_X, R3, R2, 0, 0),
    insn(OP.AND32_K, R3, 0, 0, 0xffff),
    insn(OP.RSH32_K, R2, 0, 0, 16),
    insn(OP.LDX_W, R4, R1, 4, 0),
    insn(OP.LDX_W, R5, R1, 8, 0),
    ...rules.flatMap(ruleBlock),
    insn(OP.MOV64_K, R0, 0, 0, 0),
    insn(OP.EXIT, 0, 0, 0, 0),
  ];
}

/** The instructions as the kernel reads them: 8 bytes each, little-endian (x86-64, arm64). */
export function encodeProgram(program: readonly BpfInsn[]): Uint8Array {
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  program.forEach((i, n) => {
    view.setUint8(n * 8, i.code);
    view.setUint8(n * 8 + 1, (i.src << 4) | i.dst);
    view.setInt16(n * 8 + 2, i.off, true);
    view.setInt32(n * 8 + 4, i.imm, true);
  });
  return bytes;
}

export const DEVICE_ACCESS = { mknod: BPF_DEVCG_ACC_MKNOD, read: BPF_DEVCG_ACC_READ, write: BPF_DEVCG_ACC_WRITE } as const;
export const DEVICE_TYPE = { block: BPF_DEVCG_DEV_BLOCK, char: BPF_DEVCG_DEV_CHAR } as const;
