// Encodes a Plan into the helper's wire format: a header (magic, version) and records.
// A record is: u32 tag, u32 field count, then each field as u32 length + bytes.
// Integers are 8-byte little-endian signed; strings carry their terminating NUL.
// The helper rejects unknown tags, wrong field counts and strings without their NUL.
import { InvalidPlanError } from '../errors.js';
import type { AnyPath, MountFlags, Op, Plan, CapSet, CreateTarget } from './types.js';
import {
  CleanupId, ConsoleId, CreateId, HidepidId, MountFlagBit, NodeTypeId, NotifyReadyId, PathBase, RootLayerId, PidModeId, PropagationId, RecordTag,
  SourceViewId,
  TerminalId, WIRE_MAGIC, WIRE_VERSION,
} from './wire-ids.js';
import { namespaceFlags, rlimitNumber } from './kernel-constants.js';
import { assertNever } from '../assert-never.js';

type Field = { readonly int: number | bigint } | { readonly str: string } | { readonly bytes: Uint8Array };

const int = (value: number | bigint): Field => ({ int: value });
const str = (value: string): Field => ({ str: value });

/**
 * Appends records to one growing buffer. A plan is ~20 KB of a few hundred records, encoded once
 * per container start: writing in place instead of allocating a buffer per field keeps that
 * under a millisecond.
 */
class RecordWriter {
  private buf = new Uint8Array(16 * 1024);
  private view = new DataView(this.buf.buffer);
  private at = 0;
  private readonly encoder = new TextEncoder();

  /** The plan's first 8 bytes: magic and version, outside any record. */
  header(magic: number, version: number): void {
    this.u32(magic);
    this.u32(version);
  }

  record(tag: number, fields: readonly Field[]): void {
    this.u32(tag);
    this.u32(fields.length);
    for (const field of fields) this.field(field);
  }

  private field(field: Field): void {
    if ('int' in field) {
      this.u32(8);
      this.room(8);
      this.view.setBigInt64(this.at, BigInt(field.int), true);
      this.at += 8;
    } else if ('str' in field) {
      if (field.str.includes('\0')) throw new InvalidPlanError(`contains a NUL byte: ${JSON.stringify(field.str)}`, 'string');
      const body = this.encoder.encode(field.str + '\0');
      this.u32(body.length);
      this.put(body);
    } else {
      this.u32(field.bytes.length);
      this.put(field.bytes);
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
    return this.buf.slice(0, this.at);
  }
}

const flagBits = (flags: MountFlags, want: boolean): number =>
  (flags.readOnly === want ? MountFlagBit.RDONLY : 0) |
  (flags.nosuid === want ? MountFlagBit.NOSUID : 0) |
  (flags.nodev === want ? MountFlagBit.NODEV : 0) |
  (flags.noexec === want ? MountFlagBit.NOEXEC : 0);

/** Two fields: the flags to set, the flags to clear. */
const mountFlags = (flags: MountFlags): Field[] => [int(flagBits(flags, true)), int(flagBits(flags, false))];

const anyPath = (p: AnyPath): Field[] => [int(p.in === 'root' ? PathBase.ROOT : PathBase.HOST), str(p.path)];

const createId = (c: CreateTarget): number =>
  ({ no: CreateId.NO, dir: CreateId.DIR, file: CreateId.FILE, 'like-source': CreateId.LIKE_SOURCE })[c];

export const capMask = (caps: CapSet): bigint => caps.reduce((m, c) => m | (1n << BigInt(c)), 0n);

function encodeOp(w: RecordWriter, op: Op): void {
  switch (op.kind) {
    case 'bind':
      return w.record(RecordTag.OP_BIND, [
        ...anyPath(op.source), str(op.target.path), int(op.recursive ? 1 : 0), ...mountFlags(op.flags),
        int(op.optional ? 1 : 0), int(createId(op.create)),
        int(op.sourceView === 'original' ? SourceViewId.ORIGINAL : SourceViewId.CURRENT),
      ]);
    case 'mount-point':
      return w.record(RecordTag.OP_MOUNT_POINT, [str(op.target.path), int(op.optional ? 1 : 0)]);
    case 'remount':
      return w.record(RecordTag.OP_REMOUNT, [
        str(op.target.path), int(op.recursive ? 1 : 0), ...mountFlags(op.flags), int(op.optional ? 1 : 0),
        ...(op.exclude ?? []).map((p) => str(p.path)),
      ]);
    case 'tmpfs':
      return w.record(RecordTag.OP_TMPFS, [
        str(op.target.path), int(op.mode), int(op.sizeBytes ?? 0), int(op.nrInodes ?? 0), ...mountFlags(op.flags),
        int(createId(op.create)),
      ]);
    case 'proc': {
      const hidepid = { off: HidepidId.OFF, noaccess: HidepidId.NOACCESS, invisible: HidepidId.INVISIBLE, ptraceable: HidepidId.PTRACEABLE };
      return w.record(RecordTag.OP_PROC, [
        str(op.target.path), ...mountFlags(op.flags), int(hidepid[op.hidepid ?? 'off']), int(op.subset === 'pid' ? 1 : 0),
      ]);
    }
    case 'sysfs':
      return w.record(RecordTag.OP_SYSFS, [str(op.target.path), ...mountFlags(op.flags)]);
    case 'devpts':
      return w.record(RecordTag.OP_DEVPTS, [
        str(op.target.path), int(op.ptmxMode), int(op.mode), int(op.gid ?? -1), ...mountFlags(op.flags),
      ]);
    case 'mqueue':
      return w.record(RecordTag.OP_MQUEUE, [str(op.target.path), ...mountFlags(op.flags)]);
    case 'cgroup2':
      return w.record(RecordTag.OP_CGROUP2, [str(op.target.path), ...mountFlags(op.flags)]);
    case 'inaccessible':
      return w.record(RecordTag.OP_INACCESSIBLE, [str(op.target.path), int(op.optional ? 1 : 0)]);
    case 'overlay': {
      const none: Field[] = [int(PathBase.HOST), str('')];
      return w.record(RecordTag.OP_OVERLAY, [
        str(op.target.path), ...mountFlags(op.flags),
        ...(op.upper ? anyPath(op.upper) : none), ...(op.work ? anyPath(op.work) : none),
        ...op.lower.flatMap(anyPath),
      ]);
    }
    case 'mkdir':
      return w.record(RecordTag.OP_MKDIR, [str(op.path.path), int(op.mode), int(op.parents ? 1 : 0)]);
    case 'symlink':
      return w.record(RecordTag.OP_SYMLINK, [str(op.path.path), str(op.linkTarget)]);
    case 'write-file':
      return w.record(RecordTag.OP_WRITE_FILE, [str(op.path.path), { bytes: op.content }, int(op.mode)]);
    case 'mknod': {
      const type = { char: NodeTypeId.CHAR, block: NodeTypeId.BLOCK, fifo: NodeTypeId.FIFO }[op.type];
      return w.record(RecordTag.OP_MKNOD, [str(op.path.path), int(type), int(op.major), int(op.minor), int(op.mode)]);
    }
    case 'chmod':
      return w.record(RecordTag.OP_CHMOD, [str(op.path.path), int(op.mode)]);
    case 'propagation': {
      const mode = { private: PropagationId.PRIVATE, slave: PropagationId.SLAVE, shared: PropagationId.SHARED }[op.mode];
      return w.record(RecordTag.OP_PROPAGATION, [str(op.target.path), int(mode), int(op.recursive ? 1 : 0)]);
    }
    case 'bind-content':
      return w.record(RecordTag.OP_BIND_CONTENT, [str(op.target.path), { bytes: op.content }, int(op.mode), ...mountFlags(op.flags)]);
    case 'bind-console':
      return w.record(RecordTag.OP_BIND_CONSOLE, [str(op.target.path)]);
    case 'switch-root':
      return w.record(RecordTag.OP_SWITCH_ROOT, []);
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

/** The most CPUs a mask may name; the helper refuses a longer one (8192, as glibc's CPU_SETSIZE * 8). */
export const MAX_CPUS = 8192;

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
  const w = new RecordWriter();
  w.header(WIRE_MAGIC, WIRE_VERSION);

  const pidMode = { none: PidModeId.NONE, 'payload-is-pid1': PidModeId.PAYLOAD_IS_PID1, reaper: PidModeId.REAPER }[plan.pidMode];
  w.record(RecordTag.NAMESPACES, [int(namespaceFlags(plan.namespaces))]);
  w.record(RecordTag.PID_MODE, [int(pidMode)]);
  if (plan.user) {
    for (const r of plan.user.uidMap) w.record(RecordTag.UID_MAP, [int(r.inside), int(r.outside), int(r.count)]);
    for (const r of plan.user.gidMap) w.record(RecordTag.GID_MAP, [int(r.inside), int(r.outside), int(r.count)]);
    w.record(RecordTag.SETGROUPS, [int(plan.user.setgroups === 'allow' ? 1 : 0)]);
  }
  if (plan.join) w.record(RecordTag.JOIN, [int(plan.join.pid), int(namespaceFlags(plan.join.namespaces))]);
  for (const dir of plan.cgroups ?? []) w.record(RecordTag.CGROUP, [str(dir)]);
  w.record(RecordTag.HOST_PROPAGATION, [int(plan.hostPropagation === 'private' ? PropagationId.PRIVATE : PropagationId.SLAVE)]);
  if (plan.root !== undefined) w.record(RecordTag.ROOT, [str(plan.root)]);
  if (plan.rootIdmap) w.record(RecordTag.ROOT_IDMAP, [int(1)]);
  if (plan.rootLayer) {
    const l = plan.rootLayer;
    w.record(RecordTag.ROOT_LAYER, l.kind === 'ephemeral' ? [int(RootLayerId.EPHEMERAL), int(0)] : [int(RootLayerId.VOLATILE), int(l.sizeBytes)]);
  }
  const consoleId = { inherit: ConsoleId.INHERIT, pty: ConsoleId.PTY, 'pty-read-only': ConsoleId.PTY_READ_ONLY, 'pty-passive': ConsoleId.PTY_PASSIVE };
  w.record(RecordTag.CONSOLE, [int(consoleId[plan.console ?? 'inherit'])]);
  const sup = plan.supervisor ?? {};
  for (const t of sup.translateSignals ?? []) w.record(RecordTag.TRANSLATE_SIGNAL, [int(t.from), int(t.to)]);
  if (sup.killOnSignalCount !== undefined) w.record(RecordTag.KILL_ON_SIGNAL_COUNT, [int(sup.killOnSignalCount)]);
  for (const e of sup.exitCodeOnSignal ?? []) w.record(RecordTag.EXIT_ON_SIGNAL, [int(e.signal), int(e.code)]);
  const cleanupId = { unlink: CleanupId.UNLINK, rmdir: CleanupId.RMDIR, 'rmdir-cgroup-tree': CleanupId.RMDIR_CGROUP_TREE, 'remove-tree': CleanupId.REMOVE_TREE };
  for (const c of sup.cleanup ?? []) w.record(RecordTag.CLEANUP, [int(cleanupId[c.kind]), str(c.path)]);
  if (sup.notify) {
    const ready = sup.notify.forwardReady === 'on-ready' ? NotifyReadyId.ON_READY : NotifyReadyId.ON_START;
    w.record(RecordTag.NOTIFY_SOCKET, [str(sup.notify.hostPath), int(ready)]);
  }
  for (const path of sup.hostFifos ?? []) w.record(RecordTag.HOST_FIFO, [str(path)]);
  for (const dir of sup.hostDirs ?? []) w.record(RecordTag.HOST_DIR, [str(dir.path), int(dir.mode)]);
  for (const path of sup.hostLocks ?? []) w.record(RecordTag.HOST_LOCK, [str(path)]);
  if (textErrors) {
    w.record(RecordTag.OP_LABELS, textErrors.opLabels.map(str));
    w.record(RecordTag.STEP_LABELS, textErrors.stepLabels.map(str));
    w.record(RecordTag.FAILURE_EXIT, [int(textErrors.failureExitCode)]);
  }
  for (const op of plan.ops) encodeOp(w, op);

  const p = plan.process;
  if (p.argv.length === 0) throw new InvalidPlanError('is empty', 'plan.process.argv');
  w.record(RecordTag.EXECUTABLE, [str(p.executable ?? p.argv[0]!)]);
  w.record(RecordTag.ARGV, p.argv.map(str));
  w.record(RecordTag.ENV, p.env.map(str));
  w.record(RecordTag.CWD, [str(p.cwd), int(p.cwdOptional ? 1 : 0)]);
  if (p.hostname !== undefined) w.record(RecordTag.HOSTNAME, [str(p.hostname)]);
  if (p.domainname !== undefined) w.record(RecordTag.DOMAINNAME, [str(p.domainname)]);
  if (p.credentials) {
    const c = p.credentials;
    w.record(RecordTag.CREDENTIALS, [int(c.uid), int(c.gid), ...c.supplementaryGroups.map(int)]);
  }
  if (p.umask !== undefined) w.record(RecordTag.UMASK, [int(p.umask)]);
  for (const [name, value] of Object.entries(p.rlimits ?? {})) {
    if (!value) continue;
    const limit = (v: number | null): Field => int(v === null ? -1n : v);
    w.record(RecordTag.RLIMIT, [int(rlimitNumber(name as keyof typeof p.rlimits & string)), limit(value.soft), limit(value.hard)]);
  }
  if (p.capabilities) {
    const c = p.capabilities;
    w.record(RecordTag.CAPABILITIES, [c.bounding, c.permitted, c.effective, c.inheritable, c.ambient].map((s) => int(capMask(s))));
  }
  if (p.noNewPrivileges) w.record(RecordTag.NO_NEW_PRIVS, []);
  for (const program of p.seccompFilters ?? []) {
    if (program.length === 0 || program.length % 8 !== 0) throw new InvalidPlanError('length is not a positive multiple of 8', 'plan.process.seccompFilters');
    w.record(RecordTag.SECCOMP, [{ bytes: program }]);
  }
  if (p.seccompTiming === 'before-credentials') w.record(RecordTag.SECCOMP_EARLY, []);
  if (p.oomScoreAdjust !== undefined) w.record(RecordTag.OOM_SCORE_ADJ, [int(p.oomScoreAdjust)]);
  if (p.nice !== undefined) w.record(RecordTag.NICE, [int(p.nice)]);
  if (p.personality !== undefined) w.record(RecordTag.PERSONALITY, [int(p.personality)]);
  if (p.cpuAffinity !== undefined) w.record(RecordTag.CPU_AFFINITY, [{ bytes: cpuMask(p.cpuAffinity) }]);
  const terminal = { inherit: TerminalId.INHERIT, 'new-session': TerminalId.NEW_SESSION, 'controlling-tty': TerminalId.CONTROLLING_TTY }[p.terminal.kind];
  w.record(RecordTag.TERMINAL, [int(terminal)]);
  w.record(RecordTag.PDEATHSIG, [int(p.parentDeathSignal ?? 9)]);
  w.record(RecordTag.END, []);

  return w.bytes();
}
