// The launch layer on the resident supervisor: the same LaunchHandle as launch(), for every
// command of a service manager, with one helper process for all of them (docs/architecture.md
// "The resident supervisor"). The resident outlives this process; a new one re-attaches with
// open() and adopt()s the launches its HELLO lists.
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { HelperError } from '../errors.js';
import { connectResident, type ResidentConnection, type ResidentEvent, type ResidentLaunchInfo, type ResidentStdio } from '../executor/resident.js';
import { setupError } from '../executor/reports.js';
import type { ExitStatus } from '../executor/types.js';
import type { NotifyMessage } from '../executor/notify-relay.js';
import { signalCgroups } from './cgroup-signal.js';
import { INITIAL_NOTIFY_STATE, foldNotify } from './notify-state.js';
import type { KillTarget, LaunchHandle, Launchable, NotifyState } from './types.js';

export const residentSocketPath = (runtimeDir: string): string => join(runtimeDir, 'supervisor.sock');

export interface ResidentLaunchOptions {
  readonly stdout?: ResidentStdio;
  readonly stderr?: ResidentStdio;
  /** Kept by the resident with the launch and returned in HELLO: who the launch is for. */
  readonly tag?: Buffer;
}

interface Entry {
  readonly id: number;
  pid: number;
  readonly tag: Buffer;
  readonly stdout: PassThrough | null;
  readonly stderr: PassThrough | null;
  eofs: number;
  readonly streams: number;
  exit?: ExitStatus;
  resolveExit: (status: ExitStatus) => void;
  readonly exited: Promise<ExitStatus>;
  resolveLaunched?: (result: { ok: true } | { ok: false; error: Error }) => void;
  state: NotifyState;
  resolveReady: (ready: boolean) => void;
  readonly ready: Promise<boolean>;
  readonly listeners: ((message: NotifyMessage) => void)[];
  cgroupDirs: readonly string[];
  /** Launched by this client, or adopted: until then a held launch stays here for adopt(). */
  claimed: boolean;
  plan?: Launchable['plan'];
}

export class ResidentSupervisor {
  private readonly entries = new Map<number, Entry>();
  private nextId: number;
  /** Launches the resident held when this client connected (HELLO), to adopt(). */
  readonly held: readonly ResidentLaunchInfo[];

  private constructor(private readonly connection: ResidentConnection, readonly residentPid: number, held: ResidentLaunchInfo[]) {
    this.held = held;
    // Ids stay unique across clients: above every id the resident still holds, and time-based so a
    // later manager does not reuse an id a released launch had.
    this.nextId = Math.max(Date.now() * 1000, ...held.map((h) => h.id + 1));
    for (const h of held) this.entries.set(h.id, this.makeEntry(h.id, h.tag, 'pipe', 'pipe'));
    for (const h of held) {
      const entry = this.entries.get(h.id)!;
      entry.pid = h.pid;
      if (h.state === 'exited' && h.status) this.onExit(entry, h.status);
      if (h.state === 'failed') this.onExit(entry, { kind: 'exited', code: 127 });
    }
    connection.onEvent((event) => this.onEvent(event));
    connection.onClose(() => {
      for (const resolve of this.starting) resolve({ ok: false, error: new HelperError('the resident supervisor went away during a launch', '') });
      this.starting.clear();
    });
  }

  private readonly starting = new Set<(lost: { ok: false; error: Error }) => void>();

  /** Connects to the runtime directory's resident, starting it when none runs. */
  static async open(runtimeDir: string): Promise<ResidentSupervisor> {
    const connection = await connectResident(residentSocketPath(runtimeDir));
    const hello = await connection.hello;
    return new ResidentSupervisor(connection, hello.residentPid, hello.launches);
  }

  get connected(): boolean {
    return !this.connection.closed;
  }
  onDisconnect(listener: () => void): void {
    this.connection.onClose(listener);
  }

  private makeEntry(id: number, tag: Buffer, stdout: ResidentStdio, stderr: ResidentStdio): Entry {
    let resolveExit: (s: ExitStatus) => void = () => {};
    const exited = new Promise<ExitStatus>((resolve) => (resolveExit = resolve));
    let resolveReady: (r: boolean) => void = () => {};
    const ready = new Promise<boolean>((resolve) => (resolveReady = resolve));
    const out = stdout === 'pipe' ? new PassThrough() : null;
    const err = stderr === 'pipe' ? new PassThrough() : null;
    return {
      id, pid: 0, tag, stdout: out, stderr: err, eofs: 0, streams: (out ? 1 : 0) + (err ? 1 : 0),
      resolveExit, exited, state: INITIAL_NOTIFY_STATE, resolveReady, ready, listeners: [], cgroupDirs: [], claimed: false,
    };
  }

  private maybeRelease(entry: Entry): void {
    if (entry.exit === undefined || entry.eofs < entry.streams) return;
    this.connection.release(entry.id);
    if (entry.claimed) this.entries.delete(entry.id);
  }

  private onExit(entry: Entry, status: ExitStatus): void {
    entry.exit = status;
    entry.resolveExit(status);
    entry.resolveReady(entry.state.ready);
    this.maybeRelease(entry);
  }

  private onEvent(event: ResidentEvent): void {
    const entry = this.entries.get(event.id);
    if (!entry) return;
    switch (event.type) {
      case 'launched': {
        const error = event.reports.find((r) => r.type === 'error');
        const pid = event.reports.find((r) => r.type === 'pid');
        if (pid?.type === 'pid') entry.pid = pid.pid;
        if (error?.type === 'error' || pid === undefined) {
          const failure = error?.type === 'error' && entry.plan ? setupError(entry.plan, error)
            : new HelperError('the resident supervisor could not start the launch', '');
          entry.resolveLaunched?.({ ok: false, error: failure });
          // A failed launch has no exit; its pipes end with its setup process.
          entry.stdout?.end();
          entry.stderr?.end();
          entry.eofs = entry.streams;
          this.onExit(entry, { kind: 'exited', code: 127 });
        } else {
          entry.resolveLaunched?.({ ok: true });
        }
        return;
      }
      case 'output':
        (event.stream === 'stdout' ? entry.stdout : entry.stderr)?.write(event.bytes);
        return;
      case 'eof':
        (event.stream === 'stdout' ? entry.stdout : entry.stderr)?.end();
        entry.eofs++;
        this.maybeRelease(entry);
        return;
      case 'exit':
        entry.pid = event.pid;
        this.onExit(entry, event.status);
        return;
      case 'notify':
        entry.state = foldNotify(entry.state, event.message, performance.now());
        if (entry.state.ready) entry.resolveReady(true);
        for (const l of entry.listeners) l(event.message);
        return;
    }
  }

  private handleOf(entry: Entry, launchable?: Launchable): LaunchHandle {
    return {
      pid: entry.pid,
      helperPid: this.residentPid,
      stdin: null,
      stdout: entry.stdout,
      stderr: entry.stderr,
      exited: entry.exited,
      ready: entry.ready,
      notifyState: () => entry.state,
      onNotify: (listener) => void entry.listeners.push(listener),
      kill: (signal: NodeJS.Signals = 'SIGTERM', target: KillTarget = 'main') => {
        if (target === 'all' && entry.cgroupDirs.length > 0) signalCgroups(entry.cgroupDirs, signal);
        else if (entry.exit === undefined) this.connection.kill(entry.id, osConstants.signals[signal]);
      },
      release: () => launchable?.release(),
    };
  }

  /**
   * Starts a Launchable in the resident; resolves once the payload was exec'd, rejects with the
   * SandboxSetupError of the step that failed, as launch() does.
   */
  async launch(launchable: Launchable, options: ResidentLaunchOptions = {}): Promise<LaunchHandle & { readonly launchId: number }> {
    if (this.connection.closed) throw new HelperError('the resident supervisor is not connected', '');
    const id = this.nextId++;
    const entry = this.makeEntry(id, options.tag ?? Buffer.alloc(0), options.stdout ?? 'pipe', options.stderr ?? 'pipe');
    entry.cgroupDirs = launchable.cgroupDirs;
    entry.claimed = true;
    entry.plan = launchable.plan;
    if (launchable.plan.supervisor?.notify === undefined) entry.resolveReady(false);
    const launched = new Promise<{ ok: true } | { ok: false; error: Error }>((resolve) => (entry.resolveLaunched = resolve));
    this.entries.set(id, entry);
    // One close listener for every launch under way, not one per launch ever made.
    let onLost: (lost: { ok: false; error: Error }) => void = () => {};
    const lost = new Promise<{ ok: false; error: Error }>((resolve) => this.starting.add((onLost = resolve)));
    this.connection.launch(id, entry.tag, launchable.plan, options.stdout ?? 'pipe', options.stderr ?? 'pipe');
    const result = await Promise.race([launched, lost]);
    this.starting.delete(onLost);
    if (!result.ok) throw result.error;
    return { ...this.handleOf(entry, launchable), launchId: id };
  }

  /** A handle for a launch HELLO listed, with the cgroups its owner saved; undefined when unknown. */
  adopt(id: number, cgroupDirs: readonly string[] = []): (LaunchHandle & { readonly launchId: number }) | undefined {
    const entry = this.entries.get(id) ?? this.exitedHeld(id);
    if (!entry) return undefined;
    entry.cgroupDirs = cgroupDirs;
    entry.claimed = true;
    if (entry.exit !== undefined && entry.eofs >= entry.streams) this.entries.delete(id);
    return { ...this.handleOf(entry), launchId: id };
  }

  /** A held launch that had already ended and been released when HELLO was decoded. */
  private exitedHeld(id: number): Entry | undefined {
    const h = this.held.find((x) => x.id === id);
    if (!h) return undefined;
    const entry = this.makeEntry(id, h.tag, 'ignore', 'ignore');
    entry.pid = h.pid;
    entry.exit = h.status ?? { kind: 'exited', code: 127 };
    entry.resolveExit(entry.exit);
    entry.resolveReady(false);
    return entry;
  }

  /** Disconnects: the resident keeps every launch for the next client. */
  close(): Promise<void> {
    return this.connection.close();
  }
}
