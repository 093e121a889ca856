// How the container ends, as systemd-nspawn 252 decides it:
// - SIGTERM/SIGINT to the launcher ask the container to stop with the kill signal (SIGRTMIN+3,
//   systemd's "power off", when booting; SIGKILL otherwise); the second one kills it.
// - PID 1 killed by SIGINT means the kernel saw reboot(POWER_OFF/HALT) in the PID namespace:
//   a clean shutdown, exit 0. SIGHUP means reboot(RESTART): exit 133, nspawn's "reboot" code,
//   so a wrapper loop can start it again. Any other signal: exit 1.
import type { CleanupStep, SupervisorSettings } from '../plan/types.js';
import { SIGHUP, SIGINT, SIGKILL, SIGRTMIN, SIGTERM } from './signals.js';

export const EXIT_REBOOT = 133;

export function defaultKillSignal(boot: boolean): number {
  return boot ? SIGRTMIN + 3 : SIGKILL;
}

export function supervisorSettings(o: { readonly boot: boolean; readonly killSignal?: number; readonly cleanup: readonly CleanupStep[] }): SupervisorSettings {
  const to = o.killSignal ?? defaultKillSignal(o.boot);
  return {
    translateSignals: [{ from: SIGTERM, to }, { from: SIGINT, to }],
    killOnSignalCount: 2,
    exitCodeOnSignal: [{ signal: SIGINT, code: 0 }, { signal: SIGHUP, code: EXIT_REBOOT }, { signal: 0, code: 1 }],
    cleanup: o.cleanup,
  };
}
