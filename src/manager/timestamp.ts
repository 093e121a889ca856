// Times as systemd prints them: `Thu 2026-12-03 06:41:22 UTC` (local time) and `5min ago`.
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** systemd's timestamp (local time), empty for never (0). */
export function timestamp(us: number): string {
  if (us <= 0) return '';
  const d = new Date(Math.floor(us / 1000));
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
  return `${DAYS[d.getDay()]} ${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${zone === 'GMT' ? 'UTC' : zone}`;
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
