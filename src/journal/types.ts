// One journal entry: what journald records for a line a service wrote, or for the manager's own
// messages, with the fields `journalctl -o json` names.

/** syslog(3) priorities: 0 emerg ... 7 debug. */
export type Priority = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const PRIORITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

export interface JournalEntry {
  /** Position in the journal: increases with every entry, survives restarts. */
  readonly cursor: number;
  /** Microseconds since the epoch (__REALTIME_TIMESTAMP). */
  readonly realtimeUs: number;
  /** Microseconds of CLOCK_MONOTONIC (__MONOTONIC_TIMESTAMP). */
  readonly monotonicUs: number;
  readonly bootId: string;
  readonly priority: Priority;
  readonly message: string;
  /** _SYSTEMD_UNIT: the unit whose process wrote it, or the unit a manager message is about (UNIT=). */
  readonly unit?: string;
  readonly pid?: number;
  readonly invocationId?: string;
  /** SYSLOG_IDENTIFIER: the program's name (argv[0]'s last component), or the manager's. */
  readonly identifier?: string;
}

/** An entry before the store numbers it. */
export type NewJournalEntry = Omit<JournalEntry, 'cursor'>;

export interface JournalQuery {
  readonly unit?: string;
  /** Entries of any of these units (several -u); with `unit`, that one too. */
  readonly units?: readonly string[];
  /** Entries at this priority or more important (journalctl -p). */
  readonly maxPriority?: Priority;
  /** The other end of a range (journalctl -p FROM..TO): entries at this priority or less important. */
  readonly minPriority?: Priority;
  readonly sinceUs?: number;
  readonly untilUs?: number;
  readonly bootId?: string;
  /** Only the last N matching entries (journalctl -n), still in order. */
  readonly last?: number;
  /** Entries after this cursor (for following, and for reading in pages). */
  readonly afterCursor?: number;
  /** At most this many, the oldest first (a page); ignored with `last`. */
  readonly limit?: number;
}
