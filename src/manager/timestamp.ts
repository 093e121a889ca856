// Times as systemd prints them: `Thu 2026-12-03 06:41:22 UTC` (local time) and `5min ago`.
import { fullTimestamp } from '../journal/format.js';

/** systemd's timestamp (local time), empty for never (0); journalctl's short-full and --list-boots print the same. */
export function timestamp(us: number): string {
  return us <= 0 ? '' : fullTimestamp(us);
}

/** systemd's relative time, two units at most: `3s ago`, `5min 2s ago`, `2h 10min ago`, `1 day 3h ago`. */
export function ago(us: number, nowUs: number): string {
  let s = Math.max(0, Math.floor((nowUs - us) / 1_000_000));
  const parts: string[] = [];
  const units: readonly (readonly [number, string])[] = [[365 * 86400, 'y'], [30 * 86400, 'month'], [7 * 86400, 'w'], [86400, 'day'], [3600, 'h'], [60, 'min'], [1, 's']];
  for (const [size, name] of units) {
    if (parts.length === 2) break;
    const n = Math.floor(s / size);
    if (n === 0) continue;
    s -= n * size;
    parts.push(name === 'day' ? `${n} ${n === 1 ? 'day' : 'days'}` : name === 'month' ? `${n} ${n === 1 ? 'month' : 'months'}` : `${n}${name}`);
  }
  return `${parts.length > 0 ? parts.join(' ') : '0s'} ago`;
}
