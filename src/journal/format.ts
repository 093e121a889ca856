// journalctl's output modes for entries (journalctl(1) "-o"): short (the default), short-iso,
// short-iso-precise, short-precise, short-full, short-monotonic, short-unix, verbose, json,
// json-pretty, cat. Time in the time zone of Node's Date (TZ), as journalctl uses local time. Pure.
import type { JournalEntry } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const dateOf = (realtimeUs: number): Date => new Date(Math.floor(realtimeUs / 1000));
const micros = (us: number): string => pad(((us % 1_000_000) + 1_000_000) % 1_000_000, 6);
const clock = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
const ymd = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** strftime's %z: `+0100`. */
function zoneOffset(d: Date): string {
  const east = -d.getTimezoneOffset();
  return `${east >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(east) / 60))}${pad(Math.abs(east) % 60)}`;
}

/** strftime's %Z as far as Intl knows it (`UTC`, `CET`; some zones only have `GMT+1`). */
function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  const name = part?.value ?? zoneOffset(d);
  return name === 'GMT' ? 'UTC' : name;
}

/** `Dec 02 17:30:01`, in the time zone the caller's Date uses (journalctl: local time). */
export function shortTimestamp(realtimeUs: number): string {
  const d = dateOf(realtimeUs);
  return `${MONTHS[d.getMonth()]} ${pad(d.getDate())} ${clock(d)}`;
}

/** `Thu 2026-12-03 08:33:07 UTC`, as systemd prints timestamps (also status's "since"); with µs for verbose. */
export function fullTimestamp(realtimeUs: number, precise = false): string {
  const d = dateOf(realtimeUs);
  return `${DAYS[d.getDay()]} ${ymd(d)} ${clock(d)}${precise ? `.${micros(realtimeUs)}` : ''} ${zoneName(d)}`;
}

export type ShortStyle = 'short' | 'short-iso' | 'short-iso-precise' | 'short-precise' | 'short-full' | 'short-monotonic' | 'short-unix';

/** The timestamp that starts a line of each short mode. */
export function timestampFor(style: ShortStyle, e: Pick<JournalEntry, 'realtimeUs' | 'monotonicUs'>): string {
  const d = dateOf(e.realtimeUs);
  switch (style) {
    case 'short': return shortTimestamp(e.realtimeUs);
    case 'short-precise': return `${shortTimestamp(e.realtimeUs)}.${micros(e.realtimeUs)}`;
    case 'short-iso': return `${ymd(d)}T${clock(d)}${zoneOffset(d)}`;
    case 'short-iso-precise': return `${ymd(d)}T${clock(d)}.${micros(e.realtimeUs)}${zoneOffset(d)}`;
    case 'short-full': return fullTimestamp(e.realtimeUs);
    // "[%5llu.%06llu]": seconds right-aligned in five columns.
    case 'short-monotonic': return `[${String(Math.floor(e.monotonicUs / 1_000_000)).padStart(5)}.${micros(e.monotonicUs)}]`;
    case 'short-unix': return `${Math.floor(e.realtimeUs / 1_000_000)}.${micros(e.realtimeUs)}`;
  }
}

/** `Dec 02 17:30:01 HOST IDENT[PID]: MESSAGE`, as `journalctl -o short` and its variants. */
export function formatShort(e: JournalEntry, hostname: string, style: ShortStyle = 'short'): string {
  const ident = e.identifier ?? e.unit ?? 'unknown';
  return `${timestampFor(style, e)} ${hostname} ${ident}${e.pid !== undefined ? `[${e.pid}]` : ''}: ${e.message}`;
}

export const formatCat = (e: JournalEntry): string => e.message;

/** The cursor as an opaque string (journald's are `s=…;i=…`; ours number the entries). */
export const cursorText = (e: Pick<JournalEntry, 'cursor'>): string => `nsbox-${e.cursor}`;

/** The entry's fields with journald's names, every value a string, in journald's usual order. */
export function journalFields(e: JournalEntry, hostname: string): Record<string, string> {
  return {
    _BOOT_ID: e.bootId,
    _HOSTNAME: hostname,
    PRIORITY: String(e.priority),
    ...(e.identifier !== undefined ? { SYSLOG_IDENTIFIER: e.identifier } : {}),
    MESSAGE: e.message,
    ...(e.pid !== undefined ? { _PID: String(e.pid) } : {}),
    ...(e.unit !== undefined ? { _SYSTEMD_UNIT: e.unit } : {}),
    ...(e.invocationId !== undefined ? { _SYSTEMD_INVOCATION_ID: e.invocationId } : {}),
  };
}

/** `journalctl -o json`: one object per line, the address fields first. */
export function formatJson(e: JournalEntry, hostname: string): string {
  return JSON.stringify(jsonObject(e, hostname));
}

const jsonObject = (e: JournalEntry, hostname: string): Record<string, string> => ({
  __CURSOR: cursorText(e),
  __REALTIME_TIMESTAMP: String(e.realtimeUs),
  __MONOTONIC_TIMESTAMP: String(e.monotonicUs),
  ...journalFields(e, hostname),
});

/** `journalctl -o json-pretty`: systemd's pretty JSON, a tab per level and ` : ` after each key. */
export function formatJsonPretty(e: JournalEntry, hostname: string): string {
  const fields = Object.entries(jsonObject(e, hostname)).map(([k, v]) => `\t${JSON.stringify(k)} : ${JSON.stringify(v)}`);
  return `{\n${fields.join(',\n')}\n}`;
}

/** `journalctl -o verbose`: the full timestamp and cursor, then every field on its own line. */
export function formatVerbose(e: JournalEntry, hostname: string): string {
  const fields = Object.entries(journalFields(e, hostname)).map(([k, v]) => `    ${k}=${v}`);
  return [`${fullTimestamp(e.realtimeUs, true)} [${cursorText(e)}]`, ...fields].join('\n');
}
