// The layout table is the one definition of the wire: every record kind goes through the encoder
// and back by name, encodePlan writes every kind, and every limit fails in the encoder by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePlan, encodeRecords, type NamedRecord } from '../../../src/plan/wire.js';
import { decodePlanRecords } from '../../../src/plan/wire-decode.js';
import { RECORD_LAYOUT, WireLimit, type FieldKind, type RecordLayout, type RecordName } from '../../../src/plan/wire-layout.js';
import { RecordTag } from '../../../src/plan/wire-ids.js';
import { InvalidPlanError } from '../../../src/errors.js';
import type { Plan, MountFlags } from '../../../src/plan/types.js';
import { rootPath } from '../../../src/plan/types.js';

const names = Object.keys(RECORD_LAYOUT) as RecordName[];

/** A value of each kind that differs per field, so a swapped field shows. */
function sample(kind: FieldKind, seed: number): bigint | string | Uint8Array {
  if (kind === 'int') return BigInt(seed * 1000 + 7) * (seed % 2 ? -1n : 1n);
  if (kind === 'string') return `/field/${seed}`;
  return new Uint8Array([seed, 0, 255, seed]);
}

function sampleValues(layout: RecordLayout): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  layout.fields.forEach(([name, kind], i) => (values[name] = sample(kind, i + 1)));
  if (layout.repeat) {
    const group = layout.repeat.fields;
    values[layout.repeat.name] = [0, 1, 2].map((n) =>
      group.length === 1 ? sample(group[0]![1], 100 + n) : Object.fromEntries(group.map(([f, k], j) => [f, sample(k, 100 + n * 10 + j)])));
  }
  return values;
}

test('every record tag has a layout and every layout a tag', () => {
  assert.deepEqual(names.sort(), Object.keys(RecordTag).sort());
});

test('each record kind survives encode and decode by name, fields in their order', () => {
  for (const name of names) {
    const values = sampleValues(RECORD_LAYOUT[name]);
    const records = [{ name, values } as unknown as NamedRecord, ...(name === 'END' ? [] : [{ name: 'END', values: {} } as const])];
    assert.deepEqual(decodePlanRecords(encodeRecords(records)), records, name);
  }
});

test('a record with a repeated tail decodes with zero repetitions too', () => {
  for (const name of names) {
    const layout: RecordLayout = RECORD_LAYOUT[name];
    if (!layout.repeat) continue;
    const values = { ...sampleValues(layout), [layout.repeat.name]: [] };
    assert.deepEqual(decodePlanRecords(encodeRecords([{ name, values } as unknown as NamedRecord, { name: 'END', values: {} }]))[0], { name, values });
  }
});

const rw: MountFlags = { readOnly: false, nosuid: false, nodev: false, noexec: false };
const ro: MountFlags = { readOnly: true, nosuid: true, nodev: true, noexec: false };

/** Uses every feature of a plan, so encodePlan writes every record kind. */
const everything: Plan = {
  namespaces: ['mount', 'user'], pidMode: 'reaper',
  user: { uidMap: [{ inside: 0, outside: 100000, count: 65536 }], gidMap: [{ inside: 0, outside: 100000, count: 65536 }], setgroups: 'deny' },
  join: { pid: 1, namespaces: ['net'] },
  cgroups: ['/sys/fs/cgroup/x'], hostPropagation: 'private', root: '/srv/root', rootIdmap: true, rootLayer: { kind: 'volatile', sizeBytes: 1 << 20 },
  console: 'pty',
  supervisor: {
    translateSignals: [{ from: 15, to: 37 }], killOnSignalCount: 3, exitCodeOnSignal: [{ signal: 1, code: 0 }],
    cleanup: [{ kind: 'remove-tree', path: '/run/x' }], notify: { hostPath: '/run/n.sock', forwardReady: 'on-ready' },
    hostFifos: ['/run/f'], hostDirs: [{ path: '/run/d', mode: 0o755 }], hostLocks: ['/run/l'],
  },
  ops: [
    { kind: 'bind', source: { in: 'host', path: '/src' }, target: rootPath('/dst'), recursive: true, flags: ro, optional: true, create: 'like-source', sourceView: 'original' },
    { kind: 'mount-point', target: rootPath('/mp'), optional: false },
    { kind: 'remount', target: rootPath('/'), recursive: true, exclude: [rootPath('/a'), rootPath('/b')], flags: ro, optional: false },
    { kind: 'tmpfs', target: rootPath('/tmp'), mode: 0o1777, sizeBytes: 4096, nrInodes: 10, flags: rw, create: 'dir' },
    { kind: 'proc', target: rootPath('/proc'), flags: rw, hidepid: 'invisible', subset: 'pid' },
    { kind: 'sysfs', target: rootPath('/sys'), flags: ro },
    { kind: 'devpts', target: rootPath('/dev/pts'), ptmxMode: 0o666, mode: 0o620, gid: 5, flags: rw },
    { kind: 'mqueue', target: rootPath('/dev/mqueue'), flags: rw },
    { kind: 'cgroup2', target: rootPath('/sys/fs/cgroup'), flags: ro },
    { kind: 'inaccessible', target: rootPath('/secret'), optional: true },
    { kind: 'overlay', target: rootPath('/o'), lower: [{ in: 'host', path: '/l1' }, rootPath('/l2')], upper: { in: 'host', path: '/u' }, flags: rw },
    { kind: 'mkdir', path: rootPath('/d'), mode: 0o700, parents: true },
    { kind: 'symlink', path: rootPath('/s'), linkTarget: 'd' },
    { kind: 'write-file', path: rootPath('/f'), content: new Uint8Array([1, 2]), mode: 0o644 },
    { kind: 'mknod', path: rootPath('/dev/null'), type: 'char', major: 1, minor: 3, mode: 0o666 },
    { kind: 'chmod', path: rootPath('/d'), mode: 0o755 },
    { kind: 'propagation', target: rootPath('/'), mode: 'shared', recursive: true },
    { kind: 'bind-console', target: rootPath('/dev/console') },
    { kind: 'bind-content', target: rootPath('/etc/x'), content: new Uint8Array([3]), mode: 0o444, flags: ro },
    { kind: 'switch-root' },
  ],
  process: {
    executable: '/bin/sh', argv: ['sh', '-c', 'true'], env: ['A=1'], cwd: '/', cwdOptional: true, hostname: 'h', domainname: 'd',
    credentials: { uid: 1, gid: 2, supplementaryGroups: [3, 4] }, umask: 0o22, rlimits: { nofile: { soft: 1024, hard: null } },
    capabilities: { bounding: [0, 21], permitted: [0], effective: [0], inheritable: [], ambient: [] }, noNewPrivileges: true,
    seccompFilters: [new Uint8Array(8)], seccompTiming: 'before-credentials', oomScoreAdjust: 100, nice: 5, personality: 8,
    cpuAffinity: [0, 65], terminal: { kind: 'new-session' }, parentDeathSignal: 15, pidEnv: 'SYSTEMD_EXEC_PID',
  },
};

test('encodePlan writes every record kind, each field by its name', () => {
  const records = decodePlanRecords(encodePlan(everything, { opLabels: ['a'], stepLabels: ['b', 'c'], failureExitCode: 1 }));
  assert.deepEqual([...new Set(records.map((r) => r.name))].sort(), names.sort());
  const one = (name: RecordName) => records.find((r) => r.name === name)!.values;
  assert.deepEqual(one('OP_BIND'), {
    sourceBase: 1n, source: '/src', target: '/dst', recursive: 1n, setFlags: 7n, clearFlags: 8n, optional: 1n, create: 3n, sourceView: 1n,
  });
  assert.deepEqual(one('OP_REMOUNT').exclude, ['/a', '/b']);
  assert.deepEqual(one('OP_OVERLAY'), {
    target: '/o', setFlags: 0n, clearFlags: 15n, upperBase: 1n, upper: '/u', workBase: 1n, work: '',
    lower: [{ base: 1n, path: '/l1' }, { base: 0n, path: '/l2' }],
  });
  assert.deepEqual(one('CREDENTIALS'), { uid: 1n, gid: 2n, groups: [3n, 4n] });
  assert.deepEqual(one('ARGV'), { argv: ['sh', '-c', 'true'] });
  assert.deepEqual(one('CPU_AFFINITY').mask, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]));
  assert.deepEqual(one('RLIMIT'), { resource: 7n, soft: 1024n, hard: -1n });
  assert.deepEqual(one('STEP_LABELS'), { labels: ['b', 'c'] });
  assert.deepEqual(one('PID_ENV'), { name: 'SYSTEMD_EXEC_PID' });
});

const base: Plan = { namespaces: ['mount'], pidMode: 'none', ops: [], process: { argv: ['/bin/true'], env: [], cwd: '/', terminal: { kind: 'inherit' } } };
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** For each limit: a plan that holds n of what it limits. */
const fill: Record<string, (n: number) => Plan> = {
  MAX_ID_MAPS: (n) => ({ ...base, user: { uidMap: times(n, (i) => ({ inside: i, outside: 100000 + i, count: 1 })), gidMap: [], setgroups: 'deny' } }),
  MAX_CGROUPS: (n) => ({ ...base, cgroups: times(n, (i) => `/sys/fs/cgroup/c${i}`) }),
  MAX_SIGNAL_RULES: (n) => ({ ...base, supervisor: { translateSignals: times(n, (i) => ({ from: 1 + (i % 30), to: 2 })) } }),
  MAX_CLEANUP: (n) => ({ ...base, supervisor: { cleanup: times(n, (i) => ({ kind: 'rmdir' as const, path: `/run/c${i}` })) } }),
  MAX_HOST_FIFOS: (n) => ({ ...base, supervisor: { hostFifos: times(n, (i) => `/run/f${i}`) } }),
  MAX_HOST_LOCKS: (n) => ({ ...base, supervisor: { hostLocks: times(n, (i) => `/run/l${i}`) } }),
  MAX_HOST_DIRS: (n) => ({ ...base, supervisor: { hostDirs: times(n, (i) => ({ path: `/run/d${i}`, mode: 0o755 })) } }),
  MAX_REMOUNT_EXCLUSIONS: (n) => ({ ...base, ops: [{ kind: 'remount', target: rootPath('/'), recursive: true, exclude: times(n, (i) => rootPath(`/x${i}`)), flags: ro, optional: false }] }),
  MAX_OVERLAY_LAYERS: (n) => ({ ...base, ops: [{ kind: 'overlay', target: rootPath('/o'), lower: times(n, (i) => rootPath(`/l${i}`)), flags: rw }] }),
  MAX_SECCOMP_PROGRAMS: (n) => ({ ...base, process: { ...base.process, seccompFilters: times(n, () => new Uint8Array(8)) } }),
  MAX_GROUPS: (n) => ({ ...base, process: { ...base.process, credentials: { uid: 0, gid: 0, supplementaryGroups: times(n, (i) => i) } } }),
  MAX_FIELDS: (n) => ({ ...base, process: { ...base.process, env: times(n, (i) => `V${i}=1`) } }),
  /** The base plan writes 11 records, END included. */
  MAX_RECORDS: (n) => ({ ...base, ops: times(n - 11, (i) => ({ kind: 'chmod' as const, path: rootPath(`/${i}`), mode: 0o755 })) }),
};

test('a plan one over a limit fails in the encoder naming the limit; one at the limit encodes', () => {
  for (const [limit, make] of Object.entries(fill)) {
    const max = WireLimit[limit as keyof typeof WireLimit];
    assert.ok(encodePlan(make(max)).length > 0, limit);
    assert.throws(() => encodePlan(make(max + 1)), (e: unknown) => e instanceof InvalidPlanError && e.message.includes(limit), limit);
  }
});

test('MAX_PLAN_BYTES: a plan that would fill the helper\'s buffer fails in the encoder', () => {
  const big = { ...base, ops: [{ kind: 'write-file' as const, path: rootPath('/f'), content: new Uint8Array(WireLimit.MAX_PLAN_BYTES), mode: 0o644 }] };
  assert.throws(() => encodePlan(big), (e: unknown) => e instanceof InvalidPlanError && e.message.includes('MAX_PLAN_BYTES'));
});

test('the limits cover every bound list of a plan (a new limit needs a case here)', () => {
  const covered = new Set([...Object.keys(fill), 'MAX_PLAN_BYTES', 'MAX_CPUS', 'MAX_CPU_MASK_BYTES']);
  assert.deepEqual(Object.keys(WireLimit).filter((l) => !covered.has(l)), []);
});
