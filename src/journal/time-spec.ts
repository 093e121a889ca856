// systemd.time(7)'s timestamps and time spans as journalctl's --since/--until and --vacuum-time=
// read them, with systemd 252's rules (checked against `systemd-analyze timestamp` in
// test/kernel/journal-daemon.test.ts): `YYYY-MM-DD [HH:MM[:SS[.frac]]]` (also a two-digit year),
// `HH:MM[:SS]` today, an optional weekday that must match, a ` UTC` suffix, `now`, `today`,
// `yesterday`, `tomorrow`, `+SPAN`, `-SPAN`, `SPAN ago`, `SPAN left`, `@SECONDS`. Out-of-range
// days are carried over as mktime() carries them (2012-02-30 is March 1st); hours, minutes and
// seconds out of range are refused, as strptime() refuses them. Local time is the time zone of
// Node's Date (TZ). No clock is read here: the caller passes now.

const USEC_PER_SEC = 1_000_000;

/** parse_time()'s units, longest spellings first within a prefix so `min` is not read as `m`+`in`. */
const SPAN_UNITS: readonly (readonly [string, number])[] = [
  ['seconds', USEC_PER_SEC], ['second', USEC_PER_SEC], ['sec', USEC_PER_SEC], ['s', USEC_PER_SEC],
  ['minutes', 60 * USEC_PER_SEC], ['minute', 60 * USEC_PER_SEC], ['min', 60 * USEC_PER_SEC],
  ['months', 2_629_800 * USEC_PER_SEC], ['month', 2_629_800 * USEC_PER_SEC],
  ['msec', 1000], ['ms', 1000], ['m', 60 * USEC_PER_SEC],
  ['hours', 3600 * USEC_PER_SEC], ['hour', 3600 * USEC_PER_SEC], ['hr', 3600 * USEC_PER_SEC], ['h', 3600 * USEC_PER_SEC],
  ['days', 86_400 * USEC_PER_SEC], ['day', 86_400 * USEC_PER_SEC], ['d', 86_400 * USEC_PER_SEC],
  ['weeks', 604_800 * USEC_PER_SEC], ['week', 604_800 * USEC_PER_SEC], ['w', 604_800 * USEC_PER_SEC],
  ['M', 2_629_800 * USEC_PER_SEC],
  ['years', 31_557_600 * USEC_PER_SEC], ['year', 31_557_600 * USEC_PER_SEC], ['y', 31_557_600 * USEC_PER_SEC],
  ['usec', 1], ['us', 1], ['µs', 1], ['μs', 1],
];

/**
 * A time span (`5min`, `1h 30min`, `2.5s`, a bare number is seconds) in µs, or undefined when it
 * is not one. Spaces between the parts are allowed, as parse_sec() allows them.
 */
export function parseTimespan(text: string): number | undefined {
  let rest = text.trim();
  if (rest === '') return undefined;
  let total = 0;
  let parts = 0;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?|\.\d+)\s*/.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length);
    const unit = SPAN_UNITS.find(([name]) => rest.startsWith(name) && !/^[a-zA-Zµμ]/.test(rest.slice(name.length)));
    // A number without a unit means seconds, but only as the last part (`5 10min` is not a span).
    if (unit === undefined && rest !== '') return undefined;
    const factor = unit?.[1] ?? USEC_PER_SEC;
    if (unit !== undefined) rest = rest.slice(unit[0].length).trimStart();
    total += Math.round(Number(m[1]) * factor);
    parts++;
  }
  return parts > 0 ? total : undefined;
}

const WEEKDAYS = [
  ['Sun', 'Sunday'], ['Mon', 'Monday'], ['Tue', 'Tuesday'], ['Wed', 'Wednesday'], ['Thu', 'Thursday'], ['Fri', 'Friday'], ['Sat', 'Saturday'],
] as const;

interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The fraction of the second, in µs. */
  usec: number;
}

/** Civil time to µs since the epoch, in UTC or in local time; days carried over as mktime() does. */
function civilToUs(c: Civil, utc: boolean): number {
  const ms = utc
    ? Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second)
    : new Date(c.year, c.month - 1, c.day, c.hour, c.minute, c.second).getTime();
  return ms * 1000 + c.usec;
}

function civilOf(us: number, utc: boolean): Civil {
  const d = new Date(Math.floor(us / 1000));
  return utc
    ? { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), usec: 0 }
    : { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes(), second: d.getSeconds(), usec: 0 };
}

const weekdayOf = (us: number, utc: boolean): number => {
  const d = new Date(Math.floor(us / 1000));
  return utc ? d.getUTCDay() : d.getDay();
};

/**
 * A timestamp in µs since the epoch, or undefined when systemd 252 would refuse it
 * (`Failed to parse timestamp: ...`).
 */
export function parseTimestamp(text: string, nowUs: number): number | undefined {
  if (text === 'now') return nowUs;
  if (text.startsWith('@')) {
    if (!/^@\d+(?:\.\d+)?$/.test(text)) return undefined;
    return Math.round(Number(text.slice(1)) * USEC_PER_SEC);
  }
  if (text.startsWith('+') || text.startsWith('-')) {
    const span = parseTimespan(text.slice(1));
    return span === undefined ? undefined : text.startsWith('+') ? nowUs + span : nowUs - span;
  }
  const relative = /^(.*\S)\s+(ago|left)$/.exec(text);
  if (relative) {
    const span = parseTimespan(relative[1]!);
    return span === undefined ? undefined : relative[2] === 'ago' ? nowUs - span : nowUs + span;
  }
  let rest = text;
  let utc = false;
  if (rest.endsWith(' UTC')) {
    utc = true;
    rest = rest.slice(0, -4);
  }
  const today = civilOf(nowUs, utc);
  const midnight = (days: number): number => civilToUs({ ...today, day: today.day + days, hour: 0, minute: 0, second: 0, usec: 0 }, utc);
  if (rest === 'today') return midnight(0);
  if (rest === 'yesterday') return midnight(-1);
  if (rest === 'tomorrow') return midnight(1);
  let weekday: number | undefined;
  const wd = /^([A-Za-z]+) (.*)$/.exec(rest);
  if (wd) {
    weekday = WEEKDAYS.findIndex((names) => names.some((n) => n.toLowerCase() === wd[1]!.toLowerCase()));
    if (weekday < 0) return undefined;
    rest = wd[2]!;
  }
  const m = /^(?:(\d{2}|\d{4})-(\d{1,2})-(\d{1,2}))?(?:(?:^| )(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)?$/.exec(rest);
  if (!m || (m[1] === undefined && (m[4] === undefined || rest.startsWith(' ')))) return undefined;
  const date = m[1] !== undefined
    ? { year: m[1].length === 2 ? twoDigitYear(Number(m[1])) : Number(m[1]), month: Number(m[2]), day: Number(m[3]) }
    : { year: today.year, month: today.month, day: today.day };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) return undefined;
  const hour = m[4] !== undefined ? Number(m[4]) : 0;
  const minute = m[5] !== undefined ? Number(m[5]) : 0;
  const second = m[6] !== undefined ? Number(m[6]) : 0;
  // strptime's %S takes 60 (a leap second); 61 and above are refused.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const usec = m[7] !== undefined ? Number(m[7].padEnd(6, '0')) : 0;
  const us = civilToUs({ ...date, hour, minute, second, usec }, utc);
  if (weekday !== undefined && weekdayOf(us, utc) !== weekday) return undefined;
  return us;
}

/** strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068. */
const twoDigitYear = (y: number): number => (y >= 69 ? 1900 + y : 2000 + y);
