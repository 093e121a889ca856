// Encodes a Plan into the helper's wire format: a header (magic, version) and records.
// A record is: u32 tag, u32 field count, then each field as u32 length + bytes.
// Integers are 8-byte little-endian signed; strings carry their terminating NUL.
// The helper rejects unknown tags, wrong field counts and strings without their NUL.
import { validatePlan } from './validate.js';
import { InvalidPlanError } from '../errors.js';
import type { AnyPath, MountFlags, Op, Plan, CapSet, CreateTarget } from './types.js';
import {
  CleanupId, ConsoleId, CreateId, HidepidId, MountFlagBit, NodeTypeId, NotifyReadyId, PathBase, RootLayerId, PidModeId, PropagationId, RecordTag,
  SourceViewId,
  TerminalId, WIRE_MAGIC, WIRE_VERSION,
} from './wire-ids.js';
import { namespaceFlags, rlimitNumber } from './kernel-constants.js';
import { RECORD_LAYOUT, WireLimit, type FieldKind, type RecordLayout, type RecordName, type RecordValues, type WireLimitName } from './wire-layout.js';
import { assertNever } from '../assert-never.js';

const LIST_OF: Partial<Record<RecordName, string>> = {
  UID_MAP: 'plan.user.uidMap', GID_MAP: 'plan.user.gidMap', CGROUP: 'plan.cgroups',
  TRANSLATE_SIGNAL: 'plan.supervisor.translateSignals', EXIT_ON_SIGNAL: 'plan.supervisor.exitCodeOnSignal',
  CLEANUP: 'plan.supervisor.cleanup', HOST_FIFO: 'plan.supervisor.hostFifos', HOST_DIR: 'plan.supervisor.hostDirs',
  HOST_LOCK: 'plan.supervisor.hostLocks',
  SECCOMP: 'plan.process.seccompFilters',
};

const overLimit = (limit: WireLimitName, count: number, where: string): InvalidPlanError =>
  new InvalidPlanError(`${count} entries, more than the helper's ${limit} (${WireLimit[limit]})`, where);

/**
 * Appends records to one growing buffer. A plan is ~20 KB of a few hundred records, encoded once
 * per container start: writing in place instead of allocating a buffer per field keeps that
 * under a millisecond. Records are written by name through RECORD_LAYOUT, and every limit the
 * helper has is checked here, so an oversized plan fails before the helper sees it.
 */
class RecordWriter {
  private buf = new Uint8Array(16 * 1024);
  private view = new DataView(this.buf.buffer);
  private at = 0;
  private records = 0;
  private readonly counts = new Map<RecordName, number>();
  private readonly encoder = new TextEncoder();

  /** The plan's first 8 bytes: magic and version, outside any record. */
  header(magic: number, version: number): void {
    this.u32(magic);
    this.u32(version);
  }

  /**
   * `at` names the plan value the record comes from, for errors: a path in the plan, or the index
   * of an op. Error text is only built on an error: this runs for every record of every plan.
   */
  record<N extends RecordName>(name: N, values: RecordValues<N>, at?: string | number): void {
    const where = (): string => (typeof at === 'number' ? `plan.ops[${at}]` : at ?? LIST_OF[name] ?? `record ${name}`);
    const layout: RecordLayout = RECORD_LAYOUT[name];
    const named = values as unknown as Readonly<Record<string, unknown>>;
    const repeat = layout.repeat;
    const items = repeat ? (named[repeat.name] as readonly unknown[] | undefined) ?? [] : [];
    if (repeat?.limit && items.length > WireLimit[repeat.limit]) throw overLimit(repeat.limit, items.length, `${where()}.${repeat.name}`);
    const nfields = layout.fields.length + items.length * (repeat?.fields.length ?? 0);
    if (nfields > WireLimit.MAX_FIELDS) throw overLimit('MAX_FIELDS', nfields, where());
    if (layout.limit) {
      const count = (this.counts.get(name) ?? 0) + 1;
      if (count > WireLimit[layout.limit]) throw overLimit(layout.limit, count, where());
      this.counts.set(name, count);
    }
    if (++this.records > WireLimit.MAX_RECORDS) throw overLimit('MAX_RECORDS', this.records, 'plan');
    this.u32(RecordTag[name]);
    this.u32(nfields);
    // Indexed loops, not destructuring for-of: the encoder runs on every start.
    const fields = layout.fields;
    for (let i = 0; i < fields.length; i++) this.field(fields[i]![1], named[fields[i]![0]], where, fields[i]![0]);
    if (!repeat) return;
    const group = repeat.fields;
    for (const item of items) {
      if (group.length === 1) this.field(group[0]![1], item, where, repeat.name);
      else for (let i = 0; i < group.length; i++) this.field(group[i]![1], (item as Readonly<Record<string, unknown>>)[group[i]![0]], where, `${repeat.name}.${group[i]![0]}`);
    }
  }

  /** `where` and `name` are joined only for an error: this runs for every field of every plan. */
  private field(kind: FieldKind, value: unknown, where: () => string, name: string): void {
    if (kind === 'int') {
      if (typeof value !== 'number' && typeof value !== 'bigint') throw new InvalidPlanError('is not an integer', `${where()}.${name}`);
      this.u32(8);
      this.room(8);
      this.view.setBigInt64(this.at, BigInt(value), true);
      this.at += 8;
    } else if (kind === 'string') {
      if (typeof value !== 'string') throw new InvalidPlanError('is not a string', `${where()}.${name}`);
      if (value.includes('\0')) throw new InvalidPlanError(`contains a NUL byte: ${JSON.stringify(value)}`, `${where()}.${name}`);
      const body = this.encoder.encode(value + '\0');
      this.u32(body.length);
      this.put(body);
    } else {
      if (!(value instanceof Uint8Array)) throw new InvalidPlanError('is not bytes', `${where()}.${name}`);
      this.u32(value.length);
      this.put(value);
    }
  }

  private u32(value: number): void {
    this.room(4);
    this.view.setUint32(this.at, value, true);
    this.at += 4;
  }

  private put(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    bigger.set(this.buf.subarray(0, this.at));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  bytes(): Uint8Array {
    // The helper reads into a buffer of MAX_PLAN_BYTES and refuses a plan that fills it.
    if (this.at >= WireLimit.MAX_PLAN_BYTES) throw new InvalidPlanError(`${this.at} bytes, not less than the helper's MAX_PLAN_BYTES (${WireLimit.MAX_PLAN_BYTES})`, 'plan');
    return this.buf.slice(0, this.at);
  }
}

const flagBits = (flags: MountFlags, want: boolean): number =>
  (flags.readOnly === want ? MountFlagBit.RDONLY : 0) |
  (flags.nosuid === want ? MountFlagBit.NOSUID : 0) |
  (flags.nodev === want ? MountFlagBit.NODEV : 0) |
  (flags.noexec === want ? MountFlagBit.NOEXEC : 0);

/** The flags to set and the flags to clear. */
const mountFlags = (flags: MountFlags) => ({ setFlags: flagBits(flags, true), clearFlags: flagBits(flags, false) });

const pathBase = (p: AnyPath): number => (p.in === 'root' ? PathBase.ROOT : PathBase.HOST);

const createId = (c: CreateTarget): number =>
  ({ no: CreateId.NO, dir: CreateId.DIR, file: CreateId.FILE, 'like-source': CreateId.LIKE_SOURCE })[c];

const bit = (b: boolean | undefined): number => (b ? 1 : 0);

export const capMask = (caps: CapSet): bigint => caps.reduce((m, c) => m | (1n << BigInt(c)), 0n);

function encodeOp(w: RecordWriter, op: Op, where: number): void {
  switch (op.kind) {
    case 'bind':
      return w.record('OP_BIND', {
        sourceBase: pathBase(op.source), source: op.source.path, target: op.target.path, recursive: bit(op.recursive),
        ...mountFlags(op.flags), optional: bit(op.optional), create: createId(op.create),
        sourceView: op.sourceView === 'original' ? SourceViewId.ORIGINAL : SourceViewId.CURRENT,
      }, where);
    case 'mount-point':
      return w.record('OP_MOUNT_POINT', { target: op.target.path, optional: bit(op.optional) }, where);
    case 'remount':
      return w.record('OP_REMOUNT', {
        target: op.target.path, recursive: bit(op.recursive), ...mountFlags(op.flags), optional: bit(op.optional),
        exclude: (op.exclude ?? []).map((p) => p.path),
      }, where);
    case 'tmpfs':
      return w.record('OP_TMPFS', {
        target: op.target.path, mode: op.mode, sizeBytes: op.sizeBytes ?? 0, nrInodes: op.nrInodes ?? 0, ...mountFlags(op.flags),
        create: createId(op.create),
      }, where);
    case 'proc': {
      const hidepid = { off: HidepidId.OFF, noaccess: HidepidId.NOACCESS, invisible: HidepidId.INVISIBLE, ptraceable: HidepidId.PTRACEABLE };
      return w.record('OP_PROC', {
        target: op.target.path, ...mountFlags(op.flags), hidepid: hidepid[op.hidepid ?? 'off'], subsetPid: bit(op.subset === 'pid'),
      }, where);
    }
    case 'sysfs':
      return w.record('OP_SYSFS', { target: op.target.path, ...mountFlags(op.flags) }, where);
    case 'devpts':
      return w.record('OP_DEVPTS', {
        target: op.target.path, ptmxMode: op.ptmxMode, mode: op.mode, gid: op.gid ?? -1, ...mountFlags(op.flags),
      }, where);
    case 'mqueue':
      return w.record('OP_MQUEUE', { target: op.target.path, ...mountFlags(op.flags) }, where);
    case 'cgroup2':
      return w.record('OP_CGROUP2', { target: op.target.path, ...mountFlags(op.flags) }, where);
    case 'inaccessible':
      return w.record('OP_INACCESSIBLE', { target: op.target.path, optional: bit(op.optional) }, where);
    case 'overlay':
      return w.record('OP_OVERLAY', {
        target: op.target.path, ...mountFlags(op.flags),
        upperBase: op.upper ? pathBase(op.upper) : PathBase.HOST, upper: op.upper?.path ?? '',
        workBase: op.work ? pathBase(op.work) : PathBase.HOST, work: op.work?.path ?? '',
        lower: op.lower.map((l) => ({ base: pathBase(l), path: l.path })),
      }, where);
    case 'mkdir':
      return w.record('OP_MKDIR', { path: op.path.path, mode: op.mode, parents: bit(op.parents) }, where);
    case 'symlink':
      return w.record('OP_SYMLINK', { path: op.path.path, linkTarget: op.linkTarget }, where);
    case 'write-file':
      return w.record('OP_WRITE_FILE', { path: op.path.path, content: op.content, mode: op.mode }, where);
    case 'mknod': {
      const type = { char: NodeTypeId.CHAR, block: NodeTypeId.BLOCK, fifo: NodeTypeId.FIFO }[op.type];
      return w.record('OP_MKNOD', { path: op.path.path, type, major: op.major, minor: op.minor, mode: op.mode }, where);
    }
    case 'chmod':
      return w.record('OP_CHMOD', { path: op.path.path, mode: op.mode }, where);
    case 'propagation': {
      const mode = { private: PropagationId.PRIVATE, slave: PropagationId.SLAVE, shared: PropagationId.SHARED }[op.mode];
      return w.record('OP_PROPAGATION', { target: op.target.path, mode, recursive: bit(op.recursive) }, where);
    }
    case 'bind-content':
      return w.record('OP_BIND_CONTENT', { target: op.target.path, content: op.content, mode: op.mode, ...mountFlags(op.flags) }, where);
    case 'bind-console':
      return w.record('OP_BIND_CONSOLE', { target: op.target.path }, where);
    case 'switch-root':
      return w.record('OP_SWITCH_ROOT', {}, where);
    default:
      return assertNever(op);
  }
}

/** For a helper that reports errors as text itself (see executor/handover.ts). */
export interface TextErrors {
  /** One label per op, then one per step id (index = StepId value). */
  readonly opLabels: readonly string[];
  readonly stepLabels: readonly string[];
  readonly failureExitCode: number;
}

/** The most CPUs a mask may name; the helper refuses a longer one. */
export const MAX_CPUS = WireLimit.MAX_CPUS;

/**
 * CPU numbers -> the kernel's cpumask: bit N of the little-endian bytes is CPU N, padded to whole
 * 64-bit words, as sched_setaffinity(2) reads an array of unsigned long.
 */
export function cpuMask(cpus: readonly number[]): Uint8Array {
  if (cpus.length === 0) throw new InvalidPlanError('no CPU', 'plan.process.cpuAffinity');
  for (const c of cpus) if (!Number.isInteger(c) || c < 0 || c >= MAX_CPUS) throw new InvalidPlanError(`CPU ${c} is out of range`, 'plan.process.cpuAffinity');
  const mask = new Uint8Array(Math.ceil((Math.max(...cpus) + 1) / 64) * 8);
  for (const c of cpus) mask[c >> 3]! |= 1 << (c & 7);
  return mask;
}

export function encodePlan(plan: Plan, textErrors?: TextErrors): Uint8Array {
  validatePlan(plan);
  const w = new RecordWriter();
  w.header(WIRE_MAGIC, WIRE_VERSION);

  const pidMode = { none: PidModeId.NONE, 'payload-is-pid1': PidModeId.PAYLOAD_IS_PID1, reaper: PidModeId.REAPER }[plan.pidMode];
  w.record('NAMESPACES', { flags: namespaceFlags(plan.namespaces) });
  w.record('PID_MODE', { mode: pidMode });
  if (plan.user) {
    for (const r of plan.user.uidMap) w.record('UID_MAP', { inside: r.inside, outside: r.outside, count: r.count });
    for (const r of plan.user.gidMap) w.record('GID_MAP', { inside: r.inside, outside: r.outside, count: r.count });
    w.record('SETGROUPS', { allow: bit(plan.user.setgroups === 'allow') });
  }
  if (plan.join) w.record('JOIN', { pid: plan.join.pid, namespaces: namespaceFlags(plan.join.namespaces) });
  for (const dir of plan.cgroups ?? []) w.record('CGROUP', { path: dir });
  w.record('HOST_PROPAGATION', { mode: plan.hostPropagation === 'private' ? PropagationId.PRIVATE : PropagationId.SLAVE });
  if (plan.root !== undefined) w.record('ROOT', { path: plan.root });
  if (plan.rootIdmap) w.record('ROOT_IDMAP', { on: 1 });
  if (plan.rootLayer) {
    const l = plan.rootLayer;
    w.record('ROOT_LAYER', l.kind === 'ephemeral' ? { kind: RootLayerId.EPHEMERAL, sizeBytes: 0 } : { kind: RootLayerId.VOLATILE, sizeBytes: l.sizeBytes });
  }
  const consoleId = { inherit: ConsoleId.INHERIT, pty: ConsoleId.PTY, 'pty-read-only': ConsoleId.PTY_READ_ONLY, 'pty-passive': ConsoleId.PTY_PASSIVE };
  w.record('CONSOLE', { mode: consoleId[plan.console ?? 'inherit'] });
  const sup = plan.supervisor ?? {};
  for (const t of sup.translateSignals ?? []) w.record('TRANSLATE_SIGNAL', { from: t.from, to: t.to });
  if (sup.killOnSignalCount !== undefined) w.record('KILL_ON_SIGNAL_COUNT', { count: sup.killOnSignalCount });
  for (const e of sup.exitCodeOnSignal ?? []) w.record('EXIT_ON_SIGNAL', { signal: e.signal, code: e.code });
  const cleanupId = { unlink: CleanupId.UNLINK, rmdir: CleanupId.RMDIR, 'rmdir-cgroup-tree': CleanupId.RMDIR_CGROUP_TREE, 'remove-tree': CleanupId.REMOVE_TREE };
  for (const c of sup.cleanup ?? []) w.record('CLEANUP', { kind: cleanupId[c.kind], path: c.path });
  if (sup.notify) {
    const ready = sup.notify.forwardReady === 'on-ready' ? NotifyReadyId.ON_READY : NotifyReadyId.ON_START;
    w.record('NOTIFY_SOCKET', { path: sup.notify.hostPath, ready });
  }
  for (const path of sup.hostFifos ?? []) w.record('HOST_FIFO', { path });
  for (const dir of sup.hostDirs ?? []) w.record('HOST_DIR', { path: dir.path, mode: dir.mode });
  for (const path of sup.hostLocks ?? []) w.record('HOST_LOCK', { path });
  if (textErrors) {
    w.record('OP_LABELS', { labels: textErrors.opLabels });
    w.record('STEP_LABELS', { labels: textErrors.stepLabels });
    w.record('FAILURE_EXIT', { code: textErrors.failureExitCode });
  }
  plan.ops.forEach((op, i) => encodeOp(w, op, i));

  const p = plan.process;
  if (p.argv.length === 0) throw new InvalidPlanError('is empty', 'plan.process.argv');
  w.record('EXECUTABLE', { path: p.executable ?? p.argv[0]! }, 'plan.process.executable');
  w.record('ARGV', { argv: p.argv }, 'plan.process');
  w.record('ENV', { env: p.env }, 'plan.process');
  w.record('CWD', { path: p.cwd, optional: bit(p.cwdOptional) }, 'plan.process.cwd');
  if (p.hostname !== undefined) w.record('HOSTNAME', { name: p.hostname }, 'plan.process.hostname');
  if (p.domainname !== undefined) w.record('DOMAINNAME', { name: p.domainname }, 'plan.process.domainname');
  if (p.credentials) {
    const c = p.credentials;
    w.record('CREDENTIALS', { uid: c.uid, gid: c.gid, groups: c.supplementaryGroups }, 'plan.process.credentials');
  }
  if (p.umask !== undefined) w.record('UMASK', { mask: p.umask });
  for (const [name, value] of Object.entries(p.rlimits ?? {})) {
    if (!value) continue;
    const limit = (v: number | null): number | bigint => (v === null ? -1n : v);
    w.record('RLIMIT', { resource: rlimitNumber(name as keyof typeof p.rlimits & string), soft: limit(value.soft), hard: limit(value.hard) }, `plan.process.rlimits.${name}`);
  }
  if (p.capabilities) {
    const c = p.capabilities;
    w.record('CAPABILITIES', {
      bounding: capMask(c.bounding), permitted: capMask(c.permitted), effective: capMask(c.effective),
      inheritable: capMask(c.inheritable), ambient: capMask(c.ambient),
    });
  }
  if (p.noNewPrivileges) w.record('NO_NEW_PRIVS', {});
  for (const program of p.seccompFilters ?? []) {
    if (program.length === 0 || program.length % 8 !== 0) throw new InvalidPlanError('length is not a positive multiple of 8', 'plan.process.seccompFilters');
    w.record('SECCOMP', { program }, 'plan.process.seccompFilters');
  }
  if (p.seccompTiming === 'before-credentials') w.record('SECCOMP_EARLY', {});
  if (p.oomScoreAdjust !== undefined) w.record('OOM_SCORE_ADJ', { value: p.oomScoreAdjust });
  if (p.nice !== undefined) w.record('NICE', { value: p.nice });
  if (p.personality !== undefined) w.record('PERSONALITY', { persona: p.personality });
  if (p.cpuAffinity !== undefined) w.record('CPU_AFFINITY', { mask: cpuMask(p.cpuAffinity) }, 'plan.process.cpuAffinity');
  const terminal = { inherit: TerminalId.INHERIT, 'new-session': TerminalId.NEW_SESSION, 'controlling-tty': TerminalId.CONTROLLING_TTY }[p.terminal.kind];
  w.record('TERMINAL', { mode: terminal });
  w.record('PDEATHSIG', { signal: p.parentDeathSignal ?? 9 });
  if (p.pidEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.pidEnv)) throw new InvalidPlanError('is not a variable name', 'plan.process.pidEnv');
    w.record('PID_ENV', { name: p.pidEnv }, 'plan.process.pidEnv');
  }
  w.record('END', {});

  return w.bytes();
}

/** One record by name, as the layout table defines it. */
export type NamedRecord = { [N in RecordName]: { readonly name: N; readonly values: RecordValues<N> } }[RecordName];

/**
 * The header and the given records as they are (no END added, no order checked), with the same
 * limits as encodePlan: for tests that hand the helper a plan built record by record.
 */
export function encodeRecords(records: readonly NamedRecord[]): Uint8Array {
  const w = new RecordWriter();
  w.header(WIRE_MAGIC, WIRE_VERSION);
  for (const r of records) w.record(r.name, r.values as never);
  return w.bytes();
}
