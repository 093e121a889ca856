// Signals nspawn sends; the table and the reading (parseSignal) are plan/signals.ts's.

export { SIGRTMIN, SIGRTMAX } from '../plan/signals.js';

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGTERM = 15;

