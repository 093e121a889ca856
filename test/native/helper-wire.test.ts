// The helper's decoder, fed hand-built and damaged plans: every malformed input ends in one
// READ_PLAN report with EPROTO or EINVAL and exit 127 — never a crash, a hang or a started payload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { helperPath } from '../../src/executor/helper-path.js';
import { encodePlan } from '../../src/plan/wire.js';
import { decodeReports, type Report } from '../../src/executor/reports.js';
import { RecordTag, WIRE_MAGIC, WIRE_VERSION } from '../../src/plan/wire-ids.js';
import type { Plan } from '../../src/plan/types.js';
import { needsRoot } from '../fixtures/plans.js';
import { rootPath } from '../../src/plan/types.js';
import { WireLimit } from '../../src/plan/wire-layout.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly reports: Report[];
}

function feed(bytes: Uint8Array): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(helperPath, ['--report-fd=4'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    (child.stdio[4] as NodeJS.ReadableStream).on('data', (c: Buffer) => chunks.push(c));
    (child.stdio[3] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void }).on('error', () => {});
    (child.stdio[3] as NodeJS.WritableStream).end(bytes);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, reports: decodeReports(Buffer.concat(chunks)) });
    });
  });
}

const header = (): Buffer => {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(WIRE_MAGIC, 0);
  b.writeUInt32LE(WIRE_VERSION, 4);
  return b;
};

function record(tag: number, fields: Buffer[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(tag, 0);
  head.writeUInt32LE(fields.length, 4);
  return Buffer.concat([head, ...fields.flatMap((f) => {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(f.length, 0);
    return [len, f];
  })]);
}

const str = (s: string): Buffer => Buffer.from(`${s}\0`);
const int = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n), 0);
  return b;
};

/** A valid process section, so a test damages exactly one thing. */
const processRecords = (): Buffer[] => [
  record(RecordTag.EXECUTABLE, [str('/bin/true')]),
  record(RecordTag.ARGV, [str('/bin/true')]),
  record(RecordTag.ENV, []),
  record(RecordTag.CWD, [str('/'), int(0)]),
  record(RecordTag.END, []),
];

function assertRejected(o: Outcome, errnoName: 'EPROTO' | 'EINVAL' | 'E2BIG'): void {
  const errno = { EPROTO: 71, EINVAL: 22, E2BIG: 7 }[errnoName];
  assert.equal(o.signal, null, 'the helper must not crash');
  assert.equal(o.code, 127);
  assert.deepEqual(o.reports, [{ type: 'error', opIndex: -1, step: 'READ_PLAN', errno }]);
}

const okPlan: Plan = {
  namespaces: [], pidMode: 'none', ops: [],
  process: { argv: ['/bin/true'], env: [], cwd: '/', terminal: { kind: 'inherit' } },
};

test('a valid hand-built plan runs /bin/true (control for the cases below)', { skip: needsRoot }, async () => {
  const o = await feed(Buffer.concat([header(), ...processRecords()]));
  assert.equal(o.code, 0);
  assert.equal(o.reports.length, 1);
  assert.equal(o.reports[0]?.type, 'pid');
  assert.deepEqual(await feed(encodePlan(okPlan)).then((r) => r.code), 0);
});

test('a wrong magic or version is EPROTO', { skip: needsRoot }, async () => {
  const bad = header();
  bad.writeUInt32LE(0xdeadbeef, 0);
  assertRejected(await feed(Buffer.concat([bad, ...processRecords()])), 'EPROTO');
  const future = header();
  future.writeUInt32LE(WIRE_VERSION + 1, 4);
  assertRejected(await feed(Buffer.concat([future, ...processRecords()])), 'EPROTO');
  assertRejected(await feed(Buffer.alloc(0)), 'EPROTO');
});

test('unknown tags, wrong field counts and kinds, strings without NUL are EINVAL', { skip: needsRoot }, async () => {
  const cases: Buffer[][] = [
    [record(999, []), ...processRecords()],
    [record(RecordTag.NAMESPACES, [int(0), int(0)]), ...processRecords()],
    [record(RecordTag.NAMESPACES, [Buffer.from([1, 2, 3])]), ...processRecords()],
    [record(RecordTag.ROOT, [Buffer.from('no-nul')]), ...processRecords()],
    [record(RecordTag.ROOT, [Buffer.from('in\0side\0')]), ...processRecords()],
    [record(RecordTag.OP_MKDIR, [str('/x'), int(0o755)]), ...processRecords()],
    [record(RecordTag.PID_MODE, [int(7)]), ...processRecords()],
    [record(RecordTag.NOTIFY_SOCKET, [str('/run/x.sock'), int(2)]), ...processRecords()],
    [record(RecordTag.NOTIFY_SOCKET, [str('/run/x.sock')]), ...processRecords()],
    [record(RecordTag.HOST_FIFO, [int(1)]), ...processRecords()],
    [record(RecordTag.ROOT_LAYER, [int(3), int(0)]), ...processRecords()],
    [record(RecordTag.ROOT_LAYER, []), ...processRecords()],
    [record(RecordTag.HOST_DIR, [str('/run/x'), int(0o100000)]), ...processRecords()],
    [record(RecordTag.CLEANUP, [int(4), str('/run/x')]), ...processRecords()],
  ];
  for (const records of cases) assertRejected(await feed(Buffer.concat([header(), ...records])), 'EINVAL');
});

test('records out of order, a missing END, trailing bytes and truncation are EINVAL', { skip: needsRoot }, async () => {
  const [exe, argv, env, cwd, end] = processRecords();
  const mkdir = record(RecordTag.OP_MKDIR, [str('/x'), int(0o755), int(1)]);
  assertRejected(await feed(Buffer.concat([header(), exe!, mkdir, argv!, env!, cwd!, end!])), 'EINVAL');
  assertRejected(await feed(Buffer.concat([header(), exe!, argv!, env!, cwd!])), 'EINVAL');
  assertRejected(await feed(Buffer.concat([header(), exe!, argv!, env!, cwd!, end!, Buffer.from([0])])), 'EINVAL');
  const whole = Buffer.concat([header(), ...processRecords()]);
  for (const cut of [9, 15, 20, whole.length - 5]) assertRejected(await feed(whole.subarray(0, cut)), 'EINVAL');
  // A field length pointing past the end of the input.
  const lying = Buffer.from(whole);
  lying.writeUInt32LE(0x7fffffff, 16);
  assertRejected(await feed(lying), 'EINVAL');
});

test('a process section without argv, env or cwd is EINVAL', { skip: needsRoot }, async () => {
  const [exe, argv, env, , end] = processRecords();
  assertRejected(await feed(Buffer.concat([header(), exe!, argv!, env!, end!])), 'EINVAL');
  assertRejected(await feed(Buffer.concat([header(), exe!, record(RecordTag.ARGV, []), env!, record(RecordTag.CWD, [str('/'), int(0)]), end!])), 'EINVAL');
});

test('random damage to a valid plan never crashes the helper nor starts anything unasked', { skip: needsRoot }, async () => {
  const valid = Buffer.from(encodePlan(okPlan));
  // A small fixed-seed generator: the same cases on every run.
  let seed = 0x5eed;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 150; i++) {
    const damaged = Buffer.from(valid);
    for (let flips = 1 + next(3); flips > 0; flips--) damaged[next(damaged.length)] = next(256);
    const o = await feed(next(4) === 0 ? damaged.subarray(0, next(damaged.length)) : damaged);
    assert.equal(o.signal, null, `case ${i} crashed the helper`);
    // Either rejected as a plan, or still a plan that only runs /bin/true (a flip in a harmless byte).
    if (o.code !== 0) assert.ok(o.reports.some((r) => r.type === 'error'), `case ${i}: exit ${o.code} without a report`);
  }
});

test('a CPU affinity mask that is empty, not whole 64-bit words, too long or not bytes is EINVAL', { skip: needsRoot }, async () => {
  const [exe, argv, env, cwd, end] = processRecords();
  const withMask = (fields: Buffer[]): Buffer => Buffer.concat([header(), exe!, argv!, env!, cwd!, record(RecordTag.CPU_AFFINITY, fields), end!]);
  for (const fields of [[Buffer.alloc(0)], [Buffer.from([1, 0, 0, 0])], [Buffer.alloc(1032, 1)], [], [Buffer.alloc(8, 1), Buffer.alloc(8, 1)]]) {
    assertRejected(await feed(withMask(fields)), 'EINVAL');
  }
  // Control: CPU 0 (online on any host) runs.
  const cpu0 = Buffer.alloc(8);
  cpu0[0] = 1;
  assert.equal((await feed(withMask([cpu0]))).code, 0);
});

test('a CPU affinity with no CPU of the host fails at its own step', { skip: needsRoot }, async () => {
  const o = await feed(encodePlan({ ...okPlan, process: { ...okPlan.process, cpuAffinity: [8191] } }));
  assert.equal(o.signal, null);
  assert.ok(o.reports.some((r) => r.type === 'error' && r.step === 'CPU_AFFINITY' && r.errno === 22), JSON.stringify(o.reports));
});

/** An allow-everything seccomp program: one BPF_RET|BPF_K instruction returning SECCOMP_RET_ALLOW. */
const allowAll = (): Uint8Array => {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(0x06, 0);
  b.writeUInt32LE(0x7fff0000, 4);
  return b;
};

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

test('a plan at each of the helper\'s limits (from wire-layout.ts) is read and run', { skip: needsRoot }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsbox-wire-limits-'));
  try {
    const proc = okPlan.process;
    const mountNs = { ...okPlan, namespaces: ['mount'] as const };
    const cleanupDirs = times(WireLimit.MAX_CLEANUP, (i) => join(dir, `cleanup${i}`));
    for (const d of cleanupDirs) mkdirSync(d);
    const lowers = times(WireLimit.MAX_OVERLAY_LAYERS, (i) => join(dir, `l${i}`));
    for (const d of lowers) mkdirSync(d);
    mkdirSync(join(dir, 'o'));
    // Short lines: the kernel also wants the whole map text under a page (4096 bytes).
    const idMaps = times(WireLimit.MAX_ID_MAPS, (i) => ({ inside: i, outside: i, count: 1 }));
    const cases: Record<string, Plan> = {
      MAX_ID_MAPS: { ...okPlan, namespaces: ['user'], user: { uidMap: idMaps, gidMap: idMaps, setgroups: 'deny' } },
      MAX_SIGNAL_RULES: { ...okPlan, supervisor: { translateSignals: times(WireLimit.MAX_SIGNAL_RULES, (i) => ({ from: 1 + (i % 30), to: 15 })), exitCodeOnSignal: times(WireLimit.MAX_SIGNAL_RULES, (i) => ({ signal: 1 + (i % 30), code: 0 })) } },
      MAX_CLEANUP: { ...okPlan, supervisor: { cleanup: cleanupDirs.map((path) => ({ kind: 'rmdir' as const, path })) } },
      MAX_HOST_FIFOS: { ...okPlan, supervisor: { hostFifos: times(WireLimit.MAX_HOST_FIFOS, (i) => join(dir, `fifo${i}`)) } },
      MAX_HOST_LOCKS: { ...okPlan, supervisor: { hostLocks: times(WireLimit.MAX_HOST_LOCKS, (i) => join(dir, `lock${i}`)) } },
      MAX_HOST_DIRS: { ...okPlan, supervisor: { hostDirs: times(WireLimit.MAX_HOST_DIRS, (i) => ({ path: join(dir, `hostdir${i}`), mode: 0o700 })) } },
      MAX_REMOUNT_EXCLUSIONS: { ...mountNs, ops: [{ kind: 'remount', target: rootPath('/'), recursive: true, exclude: times(WireLimit.MAX_REMOUNT_EXCLUSIONS, (i) => rootPath(join(dir, `x${i}`))), flags: { readOnly: true, nosuid: false, nodev: false, noexec: false }, optional: false }] },
      MAX_SECCOMP_PROGRAMS: { ...okPlan, process: { ...proc, noNewPrivileges: true, seccompFilters: times(WireLimit.MAX_SECCOMP_PROGRAMS, allowAll) } },
      MAX_GROUPS: { ...okPlan, process: { ...proc, credentials: { uid: 0, gid: 0, supplementaryGroups: times(WireLimit.MAX_GROUPS, (i) => i) } } },
      MAX_FIELDS: { ...okPlan, process: { ...proc, env: times(WireLimit.MAX_FIELDS, (i) => `V${i}=1`) } },
      // The plan's own records (11, END included) and propagation ops up to the limit.
      MAX_RECORDS: { ...mountNs, ops: times(WireLimit.MAX_RECORDS - 11, () => ({ kind: 'propagation' as const, target: rootPath('/'), mode: 'private' as const, recursive: false })) },
    };
    for (const [limit, plan] of Object.entries(cases)) {
      const o = await feed(encodePlan(plan));
      assert.deepEqual({ limit, code: o.code, signal: o.signal, errors: o.reports.filter((r) => r.type === 'error') }, { limit, code: 0, signal: null, errors: [] });
    }
    assert.deepEqual(cleanupDirs.filter((d) => existsSync(d)), [], 'the cleanup list ran whole');
    // MAX_OVERLAY_LAYERS: read whole, then refused by the kernel at the op: fsconfig() takes option
    // values of at most 256 bytes, and 60 lowerdir paths are longer than that.
    const overlay = await feed(encodePlan({ ...mountNs, ops: [{ kind: 'overlay', target: rootPath(join(dir, 'o')), lower: lowers.map((path) => ({ in: 'host' as const, path })), flags: { readOnly: true, nosuid: false, nodev: false, noexec: false } }] }));
    assert.deepEqual(overlay.reports.filter((r) => r.type === 'error'), [{ type: 'error', opIndex: 0, step: 'OP', errno: 22 }]);
    // MAX_CGROUPS: sixteen cgroups that do not exist pass READ_PLAN and fail at joining the first.
    const cgroups = await feed(encodePlan({ ...okPlan, cgroups: times(WireLimit.MAX_CGROUPS, (i) => join(dir, `cg${i}`)) }));
    assert.deepEqual(cgroups.reports.filter((r) => r.type === 'error').map((r) => r.type === 'error' && r.step), ['CGROUP']);
    // MAX_PLAN_BYTES: one byte less than the helper's buffer.
    const probe = encodePlan({ ...mountNs, ops: [{ kind: 'write-file', path: rootPath(join(dir, 'big')), content: new Uint8Array(0), mode: 0o600 }] });
    const big = encodePlan({ ...mountNs, ops: [{ kind: 'write-file', path: rootPath(join(dir, 'big')), content: new Uint8Array(WireLimit.MAX_PLAN_BYTES - 1 - probe.length), mode: 0o600 }] });
    assert.equal(big.length, WireLimit.MAX_PLAN_BYTES - 1);
    assert.equal((await feed(big)).code, 0);
    assert.equal(statSync(join(dir, 'big')).size, WireLimit.MAX_PLAN_BYTES - 1 - probe.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(existsSync(dir), false);
});
