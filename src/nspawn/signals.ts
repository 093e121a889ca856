// Signals as --kill-signal= takes them; the table and the reading are plan/signals.ts's.
import { signalNumber } from '../plan/signals.js';

export { SIGRTMIN, SIGRTMAX } from '../plan/signals.js';

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGTERM = 15;

/** undefined when the text names no signal; names in any case, as nsbox has always taken them. */
export const parseSignal = (text: string): number | undefined => signalNumber(text, { ignoreCase: true });
