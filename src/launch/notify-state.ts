// Folds sd_notify(3) messages into a NotifyState, as systemd reads them for a service: READY=1,
// STOPPING=1, RELOADING=1, STATUS=, MAINPID=, ERRNO=, WATCHDOG=1. Pure.
import type { NotifyMessage } from '../executor/notify-relay.js';
import type { NotifyState } from './types.js';

export const INITIAL_NOTIFY_STATE: NotifyState = { ready: false, stopping: false, reloading: false };

const positiveInt = (s: string | undefined): number | undefined => (s !== undefined && /^[1-9]\d*$/.test(s) ? Number(s) : undefined);

export function foldNotify(state: NotifyState, message: NotifyMessage, nowMs: number): NotifyState {
  const f = message.fields;
  const mainPid = positiveInt(f['MAINPID']);
  const errno = f['ERRNO'] !== undefined && /^\d+$/.test(f['ERRNO']) ? Number(f['ERRNO']) : undefined;
  return {
    // RELOADING=1 takes readiness away until the next READY=1, as systemd does.
    ready: f['READY'] === '1' ? true : f['RELOADING'] === '1' ? false : state.ready,
    stopping: state.stopping || f['STOPPING'] === '1',
    reloading: f['READY'] === '1' ? false : state.reloading || f['RELOADING'] === '1',
    ...(f['STATUS'] !== undefined ? { statusText: f['STATUS'] } : state.statusText !== undefined ? { statusText: state.statusText } : {}),
    ...(mainPid !== undefined ? { mainPid } : state.mainPid !== undefined ? { mainPid: state.mainPid } : {}),
    ...(errno !== undefined ? { errno } : state.errno !== undefined ? { errno: state.errno } : {}),
    ...(f['WATCHDOG'] === '1' ? { lastWatchdogMs: nowMs } : state.lastWatchdogMs !== undefined ? { lastWatchdogMs: state.lastWatchdogMs } : {}),
  };
}
