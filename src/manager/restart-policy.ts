// Restart= and the start rate limit, as systemd 252 decides them (service_shall_restart(),
// unit_test_start_limit()). Pure: the service asks, and schedules what the answer says.
import type { ExitStatusSet, RestartPolicy } from '../unit/settings.js';
import type { ProcessEnd, ServiceResult } from './states.js';

const inSet = (set: ExitStatusSet, end: ProcessEnd | undefined): boolean =>
  end !== undefined && (end.kind === 'exited' ? set.statuses.includes(end.code) : set.signals.includes(end.signal));

export interface RestartSettings {
  readonly restart: RestartPolicy;
  readonly restartPreventExitStatus: ExitStatusSet;
  readonly restartForceExitStatus: ExitStatusSet;
}

/** Whether a service that went down by itself (no stop job) is started again. */
export function shallRestart(s: RestartSettings, result: ServiceResult, end: ProcessEnd | undefined): boolean {
  if (inSet(s.restartPreventExitStatus, end)) return false;
  if (inSet(s.restartForceExitStatus, end)) return true;
  switch (s.restart) {
    case 'no': return false;
    case 'always': return true;
    case 'on-success': return result === 'success';
    case 'on-failure': return result !== 'success';
    case 'on-abnormal': return result === 'signal' || result === 'core-dump' || result === 'timeout' || result === 'watchdog';
    case 'on-watchdog': return result === 'watchdog';
    case 'on-abort': return result === 'signal' || result === 'core-dump';
  }
}

/** systemd's defaults (DefaultStartLimitIntervalSec=10s, DefaultStartLimitBurst=5). */
export const DEFAULT_START_LIMIT_INTERVAL_USEC = 10_000_000;
export const DEFAULT_START_LIMIT_BURST = 5;

/**
 * One more start at `nowMs`, given the earlier ones: refused when `burst` starts already happened
 * within the interval (an interval or burst of 0 disables the limit). Returns the starts to keep.
 */
export function startLimit(earlierMs: readonly number[], nowMs: number, intervalUsec: number, burst: number): { allowed: boolean; starts: number[] } {
  if (intervalUsec <= 0 || burst <= 0) return { allowed: true, starts: [] };
  const recent = earlierMs.filter((t) => nowMs - t < intervalUsec / 1000);
  if (recent.length >= burst) return { allowed: false, starts: recent };
  return { allowed: true, starts: [...recent, nowMs] };
}
