// The client end of the resident supervisor (`nsbox-helper --resident SOCKET`, native/resident.c):
// connects to the one that runs, or starts it detached (its own session, so it outlives this
// process) and connects; then frames: {u32 payload length, u16 type, u16 flags, u64 launch id}.
// Every fd stays in C: only this stream socket crosses into Node.
import { spawn as spawnProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Plan } from '../plan/types.js';
import { encodePlan } from '../plan/wire.js';
import { FrameType, ResidentStateId, ResidentStdioId } from '../plan/wire-ids.js';
import { HelperError, HelperProtocolError } from '../errors.js';
import { helperPath } from './helper-path.js';
import { decodeReports, type Report } from './reports.js';
import { parseNotifyText, type NotifyMessage } from './notify-relay.js';
import type { ExitStatus } from './types.js';

export type ResidentStdio = 'pipe' | 'ignore' | 'inherit';
export type ResidentStream = 'stdout' | 'stderr';
export type ResidentLaunchState = 'starting' | 'running' | 'exited' | 'failed';

/** A launch the resident holds, as HELLO lists it to a client that (re)connects. */
export interface ResidentLaunchInfo {
  readonly id: number;
  readonly pid: number;
  readonly state: ResidentLaunchState;
  /** Set when state is 'exited'. */
  readonly status?: ExitStatus;
  readonly tag: Buffer;
}

export type ResidentEvent =
  | { readonly type: 'launched'; readonly id: number; readonly reports: readonly Report[] }
  | { readonly type: 'output'; readonly id: number; readonly stream: ResidentStream; readonly bytes: Buffer }
  | { readonly type: 'eof'; readonly id: number; readonly stream: ResidentStream }
  | { readonly type: 'exit'; readonly id: number; readonly pid: number; readonly status: ExitStatus }
  | { readonly type: 'notify'; readonly id: number; readonly message: NotifyMessage };

const HEADER = 16;
const STDIO_ID: Record<ResidentStdio, number> = { pipe: ResidentStdioId.PIPE, ignore: ResidentStdioId.NULL, inherit: ResidentStdioId.INHERIT };
const STATE_NAME = new Map<number, ResidentLaunchState>([
  [ResidentStateId.STARTING, 'starting'], [ResidentStateId.RUNNING, 'running'], [ResidentStateId.EXITED, 'exited'], [ResidentStateId.FAILED, 'failed'],
]);

/** A wait(2) status as an ExitStatus. */
export function decodeWaitStatus(status: number): ExitStatus {
  if ((status & 0x7f) === 0) return { kind: 'exited', code: (status >> 8) & 0xff };
  const n = status & 0x7f;
  const name = Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0] as NodeJS.Signals | undefined;
  return { kind: 'signaled', signal: name ?? ('SIGKILL' as NodeJS.Signals) };
}

function frame(type: number, id: number, payload: Buffer, flags = 0): Buffer {
  const h = Buffer.alloc(HEADER);
  h.writeUInt32LE(payload.length, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeBigUInt64LE(BigInt(id), 8);
  return Buffer.concat([h, payload]);
}

export class ResidentConnection {
  private pending: Buffer = Buffer.alloc(0);
  private readonly listeners: ((event: ResidentEvent) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  private helloResolve: (hello: { residentPid: number; launches: ResidentLaunchInfo[] }) => void = () => {};
  /** The resident's pid and the launches it holds, sent first on every connection. */
  readonly hello: Promise<{ residentPid: number; launches: ResidentLaunchInfo[] }>;
  private closedFlag = false;

  constructor(private readonly socket: Socket) {
    this.hello = new Promise((resolve) => (this.helloResolve = resolve));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closedFlag = true;
      for (const l of this.closeListeners) l();
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Events that arrive before the first listener (right after HELLO) wait for it. */
  onEvent(listener: (event: ResidentEvent) => void): void {
    this.listeners.push(listener);
    const early = this.early.splice(0);
    for (const event of early) listener(event);
  }
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  launch(id: number, tag: Buffer, plan: Plan, stdout: ResidentStdio, stderr: ResidentStdio): void {
    const head = Buffer.alloc(8);
    head.writeUInt8(STDIO_ID[stdout], 0);
    head.writeUInt8(STDIO_ID[stderr], 1);
    head.writeUInt32LE(tag.length, 4);
    this.socket.write(frame(FrameType.LAUNCH, id, Buffer.concat([head, tag, encodePlan(plan)])));
  }
  kill(id: number, signal: number): void {
    const body = Buffer.alloc(4);
    body.writeInt32LE(signal);
    this.socket.write(frame(FrameType.KILL, id, body));
  }
  release(id: number): void {
    if (!this.closedFlag) this.socket.write(frame(FrameType.RELEASE, id, Buffer.alloc(0)));
  }
  /** Disconnects; the resident keeps every launch and holds its events for the next client. */
  close(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.onClose(resolve);
      this.socket.destroy();
    });
  }

  private readonly early: ResidentEvent[] = [];
  private emit(event: ResidentEvent): void {
    if (this.listeners.length === 0) this.early.push(event);
    for (const l of this.listeners) l(event);
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    while (this.pending.length - at >= HEADER) {
      const length = this.pending.readUInt32LE(at);
      if (this.pending.length - at - HEADER < length) break;
      const type = this.pending.readUInt16LE(at + 4);
      const flags = this.pending.readUInt16LE(at + 6);
      const id = Number(this.pending.readBigUInt64LE(at + 8));
      this.onFrame(type, flags, id, this.pending.subarray(at + HEADER, at + HEADER + length));
      at += HEADER + length;
    }
    this.pending = this.pending.subarray(at);
  }

  private onFrame(type: number, flags: number, id: number, body: Buffer): void {
    const stream: ResidentStream = flags === 2 ? 'stderr' : 'stdout';
    switch (type) {
      case FrameType.HELLO:
        return this.helloResolve({ residentPid: id, launches: decodeHello(body) });
      case FrameType.LAUNCHED:
        return this.emit({ type: 'launched', id, reports: decodeReports(Buffer.from(body)) });
      case FrameType.OUTPUT:
        return this.emit({ type: 'output', id, stream, bytes: Buffer.from(body) });
      case FrameType.EOF:
        return this.emit({ type: 'eof', id, stream });
      case FrameType.EXIT:
        return this.emit({ type: 'exit', id, pid: body.readInt32LE(0), status: decodeWaitStatus(body.readInt32LE(4)) });
      case FrameType.NOTIFY: {
        const text = body.toString('utf8', 4);
        return this.emit({ type: 'notify', id, message: { pid: body.readInt32LE(0), fields: parseNotifyText(text), text } });
      }
      default:
        throw new HelperProtocolError(`unknown frame type ${type} from the resident supervisor`);
    }
  }
}

function decodeHello(body: Buffer): ResidentLaunchInfo[] {
  const count = body.readUInt32LE(0);
  const launches: ResidentLaunchInfo[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    const state = STATE_NAME.get(body.readUInt8(at + 12)) ?? 'failed';
    const tagLength = body.readUInt32LE(at + 20);
    launches.push({
      id: Number(body.readBigUInt64LE(at)),
      pid: body.readInt32LE(at + 8),
      state,
      ...(state === 'exited' ? { status: decodeWaitStatus(body.readInt32LE(at + 16)) } : {}),
      tag: Buffer.from(body.subarray(at + 24, at + 24 + tagLength)),
    });
    at += 24 + tagLength;
  }
  return launches;
}

const tryConnect = (path: string): Promise<Socket | undefined> =>
  new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(undefined));
  });

/** Starts the resident detached: its own session, no stdio of ours, not our child for long. */
function startResident(socketPath: string): void {
  const { NOTIFY_SOCKET: _notify, ...env } = process.env;
  const args = ['--resident', socketPath, ...(process.env['NSBOX_LEGACY_MOUNT_CLONE'] === '1' ? ['--legacy-mount-clone'] : [])];
  const child = spawnProcess(helperPath, args, { detached: true, stdio: 'ignore', env });
  child.on('error', () => {});
  child.unref();
}

/**
 * Connects to the resident listening at socketPath, starting one when none answers, and waits for
 * its HELLO. A resident that already has a client closes the new connection: that is an error.
 */
export async function connectResident(socketPath: string, options: { start?: boolean } = {}): Promise<ResidentConnection> {
  let socket = await tryConnect(socketPath);
  if (!socket && options.start !== false) {
    startResident(socketPath);
    for (let attempt = 0; attempt < 200 && !socket; attempt++) {
      await sleep(10);
      socket = await tryConnect(socketPath);
    }
  }
  if (!socket) throw new HelperError(`cannot reach the resident supervisor at ${socketPath}`, helperPath);
  const connection = new ResidentConnection(socket);
  const hello = await Promise.race([connection.hello, new Promise<undefined>((resolve) => connection.onClose(() => resolve(undefined)))]);
  if (!hello) throw new HelperError(`the resident supervisor at ${socketPath} closed the connection (another manager is connected)`, helperPath);
  return connection;
}
