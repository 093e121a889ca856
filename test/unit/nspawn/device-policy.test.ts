import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerDeviceRules, devicesAllowLines, ptsMajors, type DeviceRule } from '../../../src/nspawn/device-policy.js';
import { DEVICE_ACCESS, DEVICE_TYPE, deviceProgram, encodeProgram, OP, type BpfInsn } from '../../../src/nspawn/device-bpf.js';

const PROC_DEVICES = 'Character devices:\n  1 mem\n  5 /dev/ptmx\n128 ptm\n136 pts\n\nBlock devices:\n  7 loop\n136 pts\n';

test('ptsMajors() reads the pty slave majors from /proc/devices, character devices only', () => {
  assert.deepEqual(ptsMajors(PROC_DEVICES), [136]);
  assert.deepEqual(ptsMajors(''), []);
});

test('containerDeviceRules(): DevicePolicy=closed plus nspawn\'s DeviceAllow= lines, as v1 devices.allow lines', () => {
  assert.deepEqual(devicesAllowLines(containerDeviceRules([136])), [
    'c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 5:2 rwm',
    'c 0:0 rwm', 'b 0:0 rwm', 'c 10:200 rwm', 'c 136:* rw',
  ]);
  const bound = containerDeviceRules([136], [{ type: 'char', major: 10, minor: 229, readOnly: false }, { type: 'block', major: 7, minor: 3, readOnly: true }]);
  assert.deepEqual(devicesAllowLines(bound).slice(-2), ['c 10:229 rw', 'b 7:3 r']);
});

/** Runs the device program on one access, as the kernel would: the few opcodes it uses. */
function run(program: readonly BpfInsn[], type: 'char' | 'block', major: number, minor: number, access: number): number {
  const ctx = [((access << 16) | DEVICE_TYPE[type]) >>> 0, major, minor];
  const r = new Array<number>(11).fill(0);
  for (let pc = 0; pc < program.length; pc++) {
    const i = program[pc]!;
    switch (i.code) {
      case OP.LDX_W: assert.equal(i.src, 1); r[i.dst] = ctx[i.off / 4]!; break;
      case OP.MOV32_X: r[i.dst] = r[i.src]! >>> 0; break;
      case OP.AND32_K: r[i.dst] = (r[i.dst]! & i.imm) >>> 0; break;
      case OP.RSH32_K: r[i.dst] = r[i.dst]! >>> i.imm; break;
      case OP.MOV64_K: r[i.dst] = i.imm; break;
      case OP.JNE_K: assert.ok(i.off >= 0, 'forward jumps only'); if (r[i.dst] !== i.imm) pc += i.off; break;
      case OP.EXIT: return r[0]!;
      default: assert.fail(`unexpected opcode ${i.code}`);
    }
  }
  return assert.fail('ran off the end');
}

/** The same decision straight from the rules. */
const allowedByRules = (rules: readonly DeviceRule[], type: 'char' | 'block', major: number, minor: number, access: number): boolean =>
  rules.some((rule) => {
    const granted = (rule.access.mknod ? DEVICE_ACCESS.mknod : 0) | (rule.access.read ? DEVICE_ACCESS.read : 0) | (rule.access.write ? DEVICE_ACCESS.write : 0);
    return rule.type === type && (rule.major === '*' || rule.major === major) && (rule.minor === '*' || rule.minor === minor) && (access & ~granted) === 0;
  });

test('deviceProgram() allows exactly what the rules allow, for every access to the nodes that matter', () => {
  const rules = containerDeviceRules([136, 137], [{ type: 'block', major: 7, minor: 3, readOnly: true }]);
  const program = deviceProgram(rules);
  const nodes: ['char' | 'block', number, number][] = [
    ['char', 1, 3], ['char', 1, 1], ['char', 1, 11], ['char', 5, 2], ['char', 5, 1], ['char', 10, 200], ['char', 10, 237],
    ['char', 136, 0], ['char', 137, 5], ['char', 138, 0], ['block', 7, 0], ['block', 7, 3], ['block', 8, 0], ['char', 0, 0], ['block', 0, 0],
  ];
  let allowed = 0;
  for (const [type, major, minor] of nodes) {
    for (let access = 1; access <= 7; access++) {
      const expected = allowedByRules(rules, type, major, minor, access);
      assert.equal(run(program, type, major, minor, access), expected ? 1 : 0, `${type} ${major}:${minor} access ${access}`);
      if (expected) allowed++;
    }
  }
  assert.ok(allowed > 0 && allowed < nodes.length * 7, 'some accesses allowed, some refused');
  assert.equal(run(program, 'block', 7, 0, DEVICE_ACCESS.read), 0, 'a loop device stays closed');
  assert.equal(run(program, 'char', 136, 4, DEVICE_ACCESS.mknod), 0, 'ptys may be used, never made');
  assert.equal(run(program, 'block', 7, 3, DEVICE_ACCESS.write), 0, '--bind-ro of a device: read only');
});

test('encodeProgram(): 8 bytes per instruction, registers packed dst low, src high, little-endian', () => {
  const bytes = encodeProgram([{ code: OP.LDX_W, dst: 4, src: 1, off: 4, imm: 0 }, { code: OP.JNE_K, dst: 3, src: 0, off: 2, imm: -1 }]);
  assert.deepEqual([...bytes], [0x61, 0x14, 4, 0, 0, 0, 0, 0, 0x55, 0x03, 2, 0, 0xff, 0xff, 0xff, 0xff]);
});
