// A unit's state as systemd names it: ActiveState (the generic one every unit type has), a
// service's SubState (its own state machine), and Result (why it last stopped or failed). The
// sub state decides the active state, by systemd's table (service.c, state_translation_table).
// Pure.

export type ActiveState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating';

export type ServiceSubState =
  | 'dead' | 'condition' | 'start-pre' | 'start' | 'start-post' | 'running' | 'exited' | 'reload'
  | 'stop' | 'stop-watchdog' | 'stop-sigterm' | 'stop-sigkill' | 'stop-post' | 'final-watchdog'
  | 'final-sigterm' | 'final-sigkill' | 'failed' | 'auto-restart';

export type ServiceResult =
  | 'success' | 'resources' | 'protocol' | 'timeout' | 'exit-code' | 'signal' | 'core-dump'
  | 'watchdog' | 'start-limit-hit' | 'oom-kill' | 'exec-condition';

const ACTIVE_STATE_OF: Readonly<Record<ServiceSubState, ActiveState>> = {
  dead: 'inactive',
  condition: 'activating',
  'start-pre': 'activating',
  start: 'activating',
  'start-post': 'activating',
  running: 'active',
  exited: 'active',
  reload: 'reloading',
  stop: 'deactivating',
  'stop-watchdog': 'deactivating',
  'stop-sigterm': 'deactivating',
  'stop-sigkill': 'deactivating',
  'stop-post': 'deactivating',
  'final-watchdog': 'deactivating',
  'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating',
  failed: 'failed',
  'auto-restart': 'activating',
};

export const activeStateOf = (sub: ServiceSubState): ActiveState => ACTIVE_STATE_OF[sub];

/** `systemctl is-active` counts these as active (exit 0). */
export const isActiveLike = (s: ActiveState): boolean => s === 'active' || s === 'reloading';

/** Where a stopped service rests: `dead` after success or an ExecCondition= skip, `failed` otherwise (systemd's service_enter_dead). */
export const restingSubState = (result: ServiceResult): ServiceSubState => (result === 'success' || result === 'exec-condition' ? 'dead' : 'failed');

/** The first failure wins: a later step's result never overwrites an earlier failure. */
export const combineResult = (current: ServiceResult, next: ServiceResult): ServiceResult => (current === 'success' ? next : current);

/** How a process ended, as ExecMainCode=/ExecMainStatus= and the journal's wording. */
export type ProcessEnd = { readonly kind: 'exited'; readonly code: number } | { readonly kind: 'signaled'; readonly signal: number };

/** Signals a clean stop sends that systemd does not count as a failure (SIGHUP, SIGINT, SIGTERM, SIGPIPE). */
const CLEAN_SIGNALS = new Set([1, 2, 15, 13]);

/**
 * A process end -> the service result, as systemd's service_sigchld_event: exit 0 (or a
 * SuccessExitStatus=) is success, another code exit-code, a clean signal success for the main
 * process, any other signal `signal`.
 */
export function resultOfEnd(end: ProcessEnd, opts: { readonly main: boolean; readonly successStatuses?: readonly number[]; readonly successSignals?: readonly number[] } = { main: true }): ServiceResult {
  if (end.kind === 'exited') return end.code === 0 || (opts.successStatuses ?? []).includes(end.code) ? 'success' : 'exit-code';
  if ((opts.successSignals ?? []).includes(end.signal)) return 'success';
  return opts.main && CLEAN_SIGNALS.has(end.signal) ? 'success' : 'signal';
}
