// The public shape of a running sandbox, as returned by spawn().
import type { Readable, Writable } from 'node:stream';
import type { NotifyMessage } from './notify-relay.js';

export type ExitStatus =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: NodeJS.Signals };

/** Like child_process's stdio option, per fd 0-2: a pipe, the parent's fd, /dev/null, or an fd number. */
export type StdioSetting = 'pipe' | 'inherit' | 'ignore' | number;

export interface SpawnOptions {
  readonly stdio?: StdioSetting | readonly [StdioSetting, StdioSetting, StdioSetting];
  /** Extra fds passed to the payload as 3, 4, ... (they keep their order). */
  readonly extraFds?: readonly number[];
  /**
   * Relay what the payload sends to the plan's notify socket (plan.supervisor.notify) as
   * `notifications`. Without it, the helper only passes READY=1 on to its own NOTIFY_SOCKET.
   */
  readonly notifications?: boolean;
}

export interface SandboxProcess {
  /** Host pid of the payload (of the reaper, PID 1 of the namespace, in reaper mode: see payloadPid). */
  readonly pid: number;
  /** Host pid of the native helper that supervises the payload. */
  readonly helperPid: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Resolves once the payload has ended, with its exit code or the signal that killed it. */
  readonly exited: Promise<ExitStatus>;
  /** The payload's sd_notify messages, with `notifications: true`; ends when the payload does. */
  readonly notifications?: AsyncIterable<NotifyMessage>;
  /** Sends a signal; the helper forwards it to the payload. Returns false when already gone. */
  kill(signal?: NodeJS.Signals | number): boolean;
}
