// The one way nsbox starts a sandboxed process: prepare (a Launchable: the complete plan and the
// resources made for it) -> launch (a handle to watch and stop it) -> release. Containers,
// service commands, and later the Node API and the OCI runtime all come through here.
import type { Plan } from '../plan/types.js';
import type { ExitStatus } from '../executor/types.js';
import type { NotifyMessage } from '../executor/notify-relay.js';
import type { Readable, Writable } from 'node:stream';

/** A plan ready to start, with what was made for it on the host. */
export interface Launchable {
  /** Complete: seccomp compiled, cgroups to join, supervisor cleanup steps included. */
  readonly plan: Plan;
  /** The cgroup directories the payload runs in (one per writable hierarchy): kill(…, 'all') uses them. */
  readonly cgroupDirs: readonly string[];
  /**
   * Undoes what preparing made (cgroup directories, registration), and is safe to call twice.
   * For a launch that never started, or once it has ended. A container's supervisor runs the same
   * cleanup itself when the payload ends, so a caller that crashes leaves nothing behind either.
   */
  release(): void;
}

/** Whom kill() signals: the main process (through its supervisor), or every process of its cgroups. */
export type KillTarget = 'main' | 'all';

/** What the payload has said on its notify socket so far (sd_notify(3)'s well-known names). */
export interface NotifyState {
  readonly ready: boolean;
  readonly stopping: boolean;
  readonly reloading: boolean;
  readonly statusText?: string;
  readonly mainPid?: number;
  readonly errno?: number;
  /** Monotonic ms of the last WATCHDOG=1. */
  readonly lastWatchdogMs?: number;
}

export interface LaunchHandle {
  /** Host pid of the main process (in reaper mode: of the namespace's PID 1). */
  readonly pid: number;
  /** Host pid of its supervisor, the helper. */
  readonly helperPid: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  readonly exited: Promise<ExitStatus>;
  /** Resolves true at READY=1, false if the payload ends first (or the plan has no notify socket). */
  readonly ready: Promise<boolean>;
  /** The latest notify state; updated as messages arrive. */
  notifyState(): NotifyState;
  /** Every notify message as it arrives; `notifyState()` folds them. */
  onNotify(listener: (message: NotifyMessage) => void): void;
  kill(signal?: NodeJS.Signals, target?: KillTarget): void;
  /** The Launchable's release(); call once `exited` has resolved. */
  release(): void;
}
