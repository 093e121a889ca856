// The manager's one writer to the journal store: stamps entries with the clocks and the boot id,
// and wakes the readers that follow (journalctl -f) when something arrives.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { JournalStore } from '../journal/store.js';
import type { JournalEntry, Priority } from '../journal/types.js';

/** What a writer gives: the sink adds the clocks and the boot id, the store the cursor. */
export type SinkEntry = Pick<JournalEntry, 'priority' | 'message' | 'unit' | 'pid' | 'invocationId' | 'identifier'>;

const readBootId = (): string => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', '');
  } catch {
    return '0'.repeat(32);
  }
};

/** CLOCK_MONOTONIC in µs: performance.timeOrigin is wall-clock based, so hrtime stands for it. */
const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

export class JournalSink {
  readonly bootId = readBootId();
  private readonly waiters = new Set<() => void>();

  constructor(readonly store: JournalStore) {}

  append(entries: readonly SinkEntry[]): void {
    const realtimeUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
    const mono = monotonicUs();
    this.store.append(entries.map((e) => ({ ...e, realtimeUs, monotonicUs: mono, bootId: this.bootId })));
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }

  /** The manager's own message about a unit, as systemd logs it (SYSLOG_IDENTIFIER=nsbox). */
  manager(unit: string, message: string, priority: Priority = 6): void {
    this.append([{ priority, message, unit, pid: process.pid, identifier: 'nsbox' }]);
  }

  /** Resolves at the next append, or after `ms`. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.waiters.delete(done), resolve()), ms);
      const done = (): void => (clearTimeout(timer), resolve());
      this.waiters.add(done);
    });
  }
}
