// The control API's requests and answers, both ends in one file (JSON over HTTP on the daemon's
// unix socket; docs/manager-api.md). Pure.
import type { SerializedError } from '../errors.js';
import type { JournalEntry } from '../journal/types.js';

export type JobVerb = 'start' | 'stop' | 'restart';
/** The reload family: the client asks for them by the same path; the manager answers where it has them. */
export type ReloadVerb = 'reload' | 'try-restart' | 'reload-or-restart';
export type AnyJobVerb = JobVerb | ReloadVerb;
/** Every job verb the API takes on `POST /v1/units/NAME/VERB`. */
export const JOB_VERBS: readonly AnyJobVerb[] = ['start', 'stop', 'restart', 'reload', 'try-restart', 'reload-or-restart'];

/** One command that ran, for status's `Process:` lines. */
export interface ProcessInfo {
  readonly kind: string;
  readonly pid: number;
  readonly argv: readonly string[];
  readonly code?: 'exited' | 'killed';
  readonly status?: number;
  /** `status=0/SUCCESS` or `status=9/KILL`. */
  readonly statusText?: string;
}

export interface UnitStatus {
  readonly id: string;
  readonly description: string;
  readonly loadState: string;
  readonly activeState: string;
  readonly subState: string;
  readonly result: string;
  readonly fragmentPath?: string;
  readonly dropInPaths: readonly string[];
  readonly unitFileState: string;
  /** UnitFilePreset=: `enabled`/`disabled` by the preset files, absent where systemctl shows none. */
  readonly unitFilePreset?: string;
  readonly mainPid: number;
  /** The main process's name (/proc/PID/comm), for `Main PID: N (name)`. */
  readonly mainComm?: string;
  readonly statusText: string;
  /** µs since the epoch of the last active-state change (0: never). */
  readonly stateChangeUs: number;
  readonly cgroupPath?: string;
  readonly tasks: readonly { readonly pid: number; readonly cmdline: string }[];
  readonly processes: readonly ProcessInfo[];
  readonly needDaemonReload: boolean;
  /** The last start's Condition*= and Assert*= checks (absent: never tested), for status's `Condition:`/`Assert:` lines. */
  readonly condition?: ConditionCheck;
  readonly assert?: ConditionCheck;
  /** `systemctl show`'s properties, in the manager's own order, values as show prints them. */
  readonly properties: readonly (readonly [string, string])[];
}

export interface ConditionCheck {
  readonly met: boolean;
  /** µs since the epoch. */
  readonly timestampUs: number;
  /** `ConditionPathExists=/x` for each check that was not met. */
  readonly unmet: readonly string[];
}

export interface JobAnswer {
  readonly unit: string;
  readonly type: AnyJobVerb;
  /**
   * systemd's job result: done, failed, dependency, canceled, skipped (ExecCondition=), assert
   * (Assert*=), invalid (reload of an inactive unit); `queued` for a job not waited for (`?block=no`).
   */
  readonly result: string;
}

export interface UnitFiles {
  readonly files: readonly { readonly path: string; readonly text: string }[];
}

export interface JournalAnswer {
  readonly hostname: string;
  readonly entries: readonly JournalEntry[];
  /** More entries match than one answer holds: ask again after the last cursor. */
  readonly more?: boolean;
}

/** `GET /v1/journal/boots`: the boots with entries, oldest first, and the daemon's own. */
export interface JournalBootsAnswer {
  readonly currentBootId: string;
  readonly boots: readonly { readonly bootId: string; readonly firstUs: number; readonly lastUs: number }[];
}

/** `GET /v1/journal/usage`: the journal's file and what it takes in the file system. */
export interface JournalUsageAnswer {
  readonly path: string;
  readonly bytes: number;
}

/** `POST /v1/journal/vacuum`: what a vacuum removed and freed. */
export interface JournalVacuumAnswer extends JournalUsageAnswer {
  readonly removed: number;
  readonly freedBytes: number;
}

export interface ErrorAnswer {
  readonly error: SerializedError;
}

/** One unit the manager has in memory, as `GET /v1/units` lists it (systemctl list-units' columns). */
export interface UnitListEntry {
  readonly id: string;
  readonly loadState: string;
  readonly activeState: string;
  readonly subState: string;
  readonly description: string;
  /** Type= of a service unit. */
  readonly serviceType?: string;
  readonly fragmentPath?: string;
}

/** A job under way, as `GET /v1/jobs` lists it (systemctl list-jobs). */
export interface JobListEntry {
  readonly id: number;
  readonly unit: string;
  readonly type: string;
  /** `waiting` (for the jobs it is ordered after) or `running`. */
  readonly state: 'waiting' | 'running';
}

/** The manager itself, for `systemctl status` with no unit named. */
export interface ManagerInfo {
  readonly hostname: string;
  /** µs since the epoch when the daemon started. */
  readonly startedUs: number;
  /** The same, as systemd prints timestamps (`Thu 2026-12-03 09:18:42 UTC`). */
  readonly startedText: string;
  readonly version: string;
  /** The daemon's own cgroup (the tracking hierarchy's path), below which its services' are. */
  readonly cgroupPath?: string;
}

/** `systemctl kill --kill-whom=`: the main process, the control process, or every process of the unit. */
export type KillWhom = 'main' | 'control' | 'all';
export const KILL_WHOM: readonly KillWhom[] = ['main', 'control', 'all'];

/** The API's paths, for the server's router and the client alike. */
export const API = {
  units: '/v1/units',
  unit: (name: string) => `/v1/units/${encodeURIComponent(name)}`,
  unitFiles: (name: string) => `/v1/units/${encodeURIComponent(name)}/files`,
  job: (name: string, verb: AnyJobVerb) => `/v1/units/${encodeURIComponent(name)}/${verb}`,
  kill: (name: string) => `/v1/units/${encodeURIComponent(name)}/kill`,
  resetFailed: (name: string) => `/v1/units/${encodeURIComponent(name)}/reset-failed`,
  resetAllFailed: '/v1/reset-failed',
  jobs: '/v1/jobs',
  manager: '/v1/manager',
  reload: '/v1/daemon-reload',
  journal: '/v1/journal',
  journalBoots: '/v1/journal/boots',
  journalUsage: '/v1/journal/usage',
  journalVacuum: '/v1/journal/vacuum',
} as const;

/** `/v1/units/NAME[/WHAT]` -> its parts, or undefined. */
export function parseUnitPath(path: string): { name: string; what?: string } | undefined {
  const m = /^\/v1\/units\/([^/]+)(?:\/([a-z-]+))?$/.exec(path);
  if (!m) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return m[2] !== undefined ? { name, what: m[2] } : { name };
}
