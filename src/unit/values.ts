// Scalar value syntaxes shared by many directives: booleans, time spans, sizes, percentages,
// octal modes, signals. Each parser throws UnitValueError; the directive layer turns that into a
// diagnostic.
import { UnitValueError } from './errors.js';
import { parseSignal } from '../plan/signals.js';

export function parseBoolean(value: string): boolean {
  switch (value.toLowerCase()) {
    case '1': case 'yes': case 'y': case 'true': case 't': case 'on':
      return true;
    case '0': case 'no': case 'n': case 'false': case 'f': case 'off':
      return false;
    default:
      throw new UnitValueError('Failed to parse boolean value', value);
  }
}

/** Microseconds; `Infinity` for systemd's USEC_INFINITY. */
export type Usec = number;
export const USEC_PER_SEC = 1_000_000;

// Order matters: a longer suffix must be tried before its prefixes ("min" before "m", "ms" before
// "m"), as systemd's own table is ordered.
const TIME_UNITS: readonly (readonly [string, number])[] = [
  ['seconds', 1e6], ['second', 1e6], ['sec', 1e6], ['s', 1e6],
  ['minutes', 60e6], ['minute', 60e6], ['min', 60e6],
  ['months', 2629800e6], ['month', 2629800e6], ['M', 2629800e6],
  ['msec', 1e3], ['ms', 1e3], ['m', 60e6],
  ['hours', 3600e6], ['hour', 3600e6], ['hr', 3600e6], ['h', 3600e6],
  ['days', 86400e6], ['day', 86400e6], ['d', 86400e6],
  ['weeks', 604800e6], ['week', 604800e6], ['w', 604800e6],
  ['years', 31557600e6], ['year', 31557600e6], ['y', 31557600e6],
  ['usec', 1], ['us', 1], ['μs', 1], ['µs', 1],
];

/**
 * parse_time(): `1min 30s`, `2h`, `1.5s`, `infinity`; a number without unit is in `defaultUnit`
 * microseconds (seconds for most settings). Result in whole microseconds.
 */
export function parseTimeSpan(value: string, defaultUnit: Usec = USEC_PER_SEC): Usec {
  const s = value.trim();
  if (s === 'infinity') return Infinity;
  if (s === '') throw new UnitValueError('Empty time span', value);
  let total = 0;
  let i = 0;
  let components = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    const num = /^(\d*)(?:\.(\d*))?/.exec(s.slice(i));
    if (!num || num[0] === '' || num[0] === '.') throw new UnitValueError('Failed to parse time span', value);
    i += num[0].length;
    while (s[i] === ' ' || s[i] === '\t') i++;
    const rest = s.slice(i);
    const unit = TIME_UNITS.find(([suffix]) => rest.startsWith(suffix));
    let multiplier = defaultUnit;
    if (unit) {
      multiplier = unit[1];
      i += unit[0].length;
    } else if (rest !== '' && !/^[\d\s]/.test(rest)) {
      throw new UnitValueError('Failed to parse time span', value);
    }
    const whole = Number(num[1] || '0');
    const frac = num[2] ? Number(`0.${num[2]}`) : 0;
    total += whole * multiplier + Math.floor(frac * multiplier);
    components++;
  }
  if (components === 0 || !Number.isFinite(total)) throw new UnitValueError('Failed to parse time span', value);
  return total;
}

/**
 * Renders microseconds the way systemd's format_timespan() does: parts from years down, and once
 * something is printed, a remainder below `accuracy` is dropped (the manager's dump uses 1s).
 */
export function formatTimeSpan(usec: Usec, accuracy: Usec = 1): string {
  if (usec === Infinity) return 'infinity';
  if (usec <= 0) return '0';
  const table: readonly (readonly [string, number])[] = [
    ['y', 31557600e6], ['month', 2629800e6], ['w', 604800e6], ['d', 86400e6], ['h', 3600e6],
    ['min', 60e6], ['s', 1e6], ['ms', 1e3], ['us', 1],
  ];
  const parts: string[] = [];
  let rest = usec;
  for (const [name, size] of table) {
    if (rest <= 0 || (rest < accuracy && parts.length > 0)) break;
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
  }
  return parts.join(' ');
}

const SIZE_SUFFIXES: readonly (readonly [string, number])[] = [
  ['E', 1024 ** 6], ['P', 1024 ** 5], ['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024], ['B', 1],
];

/** parse_size() with base 1024: `512`, `1.5G`, `1G 512M`. Bytes, rounded down. */
export function parseSize(value: string): number {
  const s = value.trim();
  if (s === '') throw new UnitValueError('Empty size', value);
  let total = 0;
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    const num = /^(\d+)(?:\.(\d+))?/.exec(s.slice(i));
    if (!num) throw new UnitValueError('Failed to parse size', value);
    i += num[0].length;
    while (s[i] === ' ' || s[i] === '\t') i++;
    const suffix = SIZE_SUFFIXES.find(([name]) => s.startsWith(name, i));
    const multiplier = suffix ? suffix[1] : 1;
    if (suffix) i += 1;
    else if (i < s.length && !/[\d\s]/.test(s[i]!)) throw new UnitValueError('Failed to parse size', value);
    total += Number(num[1]) * multiplier + Math.floor((num[2] ? Number(`0.${num[2]}`) : 0) * multiplier);
  }
  if (!Number.isSafeInteger(total)) throw new UnitValueError('Size out of range', value);
  return total;
}

export type SizeOrPercent =
  | { readonly kind: 'bytes'; readonly bytes: number }
  | { readonly kind: 'percent'; readonly permyriad: number }
  | { readonly kind: 'infinity' };

/** Sizes where systemd also accepts `N%`, `N.M%`, `N‰` and `infinity` (MemoryMax= and friends). */
export function parseSizeOrPercent(value: string): SizeOrPercent {
  const s = value.trim();
  if (s === 'infinity') return { kind: 'infinity' };
  const percent = /^(\d+(?:\.\d{1,2})?)%$/.exec(s);
  if (percent) {
    const permyriad = Math.round(Number(percent[1]) * 100);
    if (permyriad > 10000) throw new UnitValueError('Percentage out of range', value);
    return { kind: 'percent', permyriad };
  }
  const permille = /^(\d+(?:\.\d)?)‰$/.exec(s);
  if (permille) {
    const permyriad = Math.round(Number(permille[1]) * 10);
    if (permyriad > 10000) throw new UnitValueError('Permille out of range', value);
    return { kind: 'percent', permyriad };
  }
  return { kind: 'bytes', bytes: parseSize(s) };
}

/** An octal file mode (UMask=, RuntimeDirectoryMode=); at most 07777. */
export function parseMode(value: string): number {
  if (!/^[0-7]{1,4}$/.test(value)) throw new UnitValueError('Failed to parse mode', value);
  return parseInt(value, 8);
}

export function parseInteger(value: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(value)) throw new UnitValueError('Failed to parse integer', value);
  const n = Number(value);
  if (n < min || n > max) throw new UnitValueError(`Value out of range ${min}…${max}`, value);
  return n;
}

export function parseUnsigned(value: string): number {
  if (!/^\d+$/.test(value)) throw new UnitValueError('Failed to parse unsigned integer', value);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new UnitValueError('Integer out of range', value);
  return n;
}

/** `SIGTERM`, `TERM`, `15`, `SIGRTMIN+3`, `RTMIN+3`. */
export function parseSignalValue(value: string): number {
  const n = parseSignal(value);
  if (n === undefined) throw new UnitValueError('Failed to parse signal', value);
  return n;
}

/** One of a fixed set of words; `what` names the setting in the message like systemd does. */
export function parseEnum<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UnitValueError(`Failed to parse ${what}`, value);
}
