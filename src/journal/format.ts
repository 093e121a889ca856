// journalctl's output modes for entries: short (the default), cat, json. Pure.
import type { JournalEntry } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `Dec 02 17:30:01`, in the time zone the caller's Date uses (journalctl: local time). */
export function shortTimestamp(realtimeUs: number): string {
  const d = new Date(Math.floor(realtimeUs / 1000));
  return `${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `Dec 02 17:30:01 HOST IDENT[PID]: MESSAGE`, as `journalctl -o short`. */
export function formatShort(e: JournalEntry, hostname: string): string {
  const ident = e.identifier ?? e.unit ?? 'unknown';
  return `${shortTimestamp(e.realtimeUs)} ${hostname} ${ident}${e.pid !== undefined ? `[${e.pid}]` : ''}: ${e.message}`;
}

export const formatCat = (e: JournalEntry): string => e.message;

/** `journalctl -o json`: one object per line, journald's field names, every value a string. */
export function formatJson(e: JournalEntry, hostname: string): string {
  const fields: Record<string, string> = {
    __CURSOR: `nsbox-${e.cursor}`,
    __REALTIME_TIMESTAMP: String(e.realtimeUs),
    __MONOTONIC_TIMESTAMP: String(e.monotonicUs),
    _BOOT_ID: e.bootId,
    _HOSTNAME: hostname,
    PRIORITY: String(e.priority),
    MESSAGE: e.message,
    ...(e.identifier !== undefined ? { SYSLOG_IDENTIFIER: e.identifier } : {}),
    ...(e.pid !== undefined ? { _PID: String(e.pid) } : {}),
    ...(e.unit !== undefined ? { _SYSTEMD_UNIT: e.unit } : {}),
    ...(e.invocationId !== undefined ? { _SYSTEMD_INVOCATION_ID: e.invocationId } : {}),
  };
  return JSON.stringify(fields);
}
