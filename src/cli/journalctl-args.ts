// `nsbox journalctl`'s command line, as journalctl 252 reads it: what to show (-u, -p, --since,
// --until, -b), how (-o, -r, -n, -f, -e, --no-tail) and the journal's upkeep (--disk-usage,
// --vacuum-size=, --vacuum-time=, --list-boots). Pure: argv and the time in, settings out, or a
// JournalctlUsageError with journalctl's own wording.
import { PRIORITY_NAMES, type Priority } from '../journal/types.js';
import { parseTimespan, parseTimestamp } from '../journal/time-spec.js';
import type { JournalBootsAnswer } from '../manager/protocol.js';

export const OUTPUT_MODES = ['short', 'short-iso', 'short-iso-precise', 'short-precise', 'short-full', 'short-monotonic', 'short-unix', 'verbose', 'json', 'json-pretty', 'cat'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

/** -b's argument: the current boot, an offset (0 current, -1 the one before, 1 the first), or an id with an offset. */
export type BootSelector = { readonly offset: number; readonly id?: string };

export type JournalctlAction =
  | { readonly kind: 'show' }
  | { readonly kind: 'help' }
  | { readonly kind: 'list-boots' }
  | { readonly kind: 'disk-usage' }
  | { readonly kind: 'vacuum'; readonly maxBytes?: number; readonly olderThanUs?: number };

export interface JournalctlArgs {
  readonly action: JournalctlAction;
  readonly units: readonly string[];
  /** -p: the range of priorities shown, both ends included. */
  readonly minPriority?: Priority;
  readonly maxPriority?: Priority;
  readonly sinceUs?: number;
  readonly untilUs?: number;
  readonly boot?: BootSelector;
  /** -n: the last N entries; undefined shows all. */
  readonly lines?: number;
  readonly mode: OutputMode;
  readonly follow: boolean;
  readonly reverse: boolean;
  readonly quiet: boolean;
}

export class JournalctlUsageError {
  constructor(readonly message: string) {}
}

/** journalctl's -p: a name or 0-7, or a range FROM..TO in either order; one value means 0..VALUE. */
export function parsePriorityRange(text: string): { min: Priority; max: Priority } {
  const level = (v: string): number => (/^[0-7]$/.test(v) ? Number(v) : PRIORITY_NAMES.indexOf(v as (typeof PRIORITY_NAMES)[number]));
  const dots = text.indexOf('..');
  if (dots < 0) {
    const n = level(text);
    if (n < 0) throw new JournalctlUsageError(`Unknown log level ${text}`);
    return { min: 0, max: n as Priority };
  }
  const from = level(text.slice(0, dots));
  const to = level(text.slice(dots + 2));
  if (from < 0 || to < 0) throw new JournalctlUsageError(`Failed to parse log level range ${text}`);
  return { min: Math.min(from, to) as Priority, max: Math.max(from, to) as Priority };
}

/** systemd's parse_size() for --vacuum-size=: bytes with an optional K, M, G, T (1024-based) suffix. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTPE]?)B?$/.exec(text.trim());
  if (!m) return undefined;
  const power = m[2] === '' ? 0 : 'KMGTPE'.indexOf(m[2]!) + 1;
  return Math.floor(Number(m[1]) * 1024 ** power);
}

const BOOT_ARG = /^(?:[+-]?\d+|[0-9a-f]{32}(?:[+-]\d+)?|all)$/;

/** -b's value: `all` means no boot filter (undefined). */
export function parseBoot(text: string): BootSelector | undefined {
  if (text === 'all') return undefined;
  const m = /^([0-9a-f]{32})?([+-]?\d+)?$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) throw new JournalctlUsageError(`Failed to add match '${text}': Invalid argument`);
  return { offset: m[2] !== undefined ? Number(m[2]) : 0, ...(m[1] !== undefined ? { id: m[1] } : {}) };
}

const mangle = (name: string): string => (name.includes('.') ? name : `${name}.service`);

/** Options that take a value, by every spelling; short ones also take it glued on (`-n5`). */
const VALUED = new Set(['-u', '--unit', '-p', '--priority', '-o', '--output', '-S', '--since', '-U', '--until', '--vacuum-size', '--vacuum-time']);

export function parseJournalctlArgs(args: readonly string[], nowUs: number): JournalctlArgs {
  const units: string[] = [];
  let action: JournalctlAction = { kind: 'show' };
  let priorities: { min: Priority; max: Priority } | undefined;
  let sinceUs: number | undefined;
  let untilUs: number | undefined;
  let boot: BootSelector | undefined;
  let lines: number | undefined;
  let mode: OutputMode = 'short';
  let follow = false;
  let reverse = false;
  let quiet = false;
  let noTail = false;
  let pagerEnd = false;
  let vacuumBytes: number | undefined;
  let vacuumOlderThanUs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const glued = !a.startsWith('--') && a.length > 2 && /^-[unpoSUb]/.test(a);
    const key = eq > 0 ? a.slice(0, eq) : glued ? a.slice(0, 2) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : glued ? a.slice(2) : undefined;
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new JournalctlUsageError(`option '${key}' requires an argument`);
      return v;
    };
    if (key === '-h' || key === '--help') action = { kind: 'help' };
    else if (key === '-u' || key === '--unit') units.push(mangle(value()));
    else if (key === '-n' || key === '--lines') {
      // journalctl's -n takes its value only when one follows (glued, after `=`, or a number next); alone it is 10.
      const v = inline ?? (args[i + 1] !== undefined && /^(?:\+?\d+|all)$/.test(args[i + 1]!) ? args[++i]! : '10');
      lines = v === 'all' ? undefined : Number(v.replace(/^\+/, ''));
      if (lines !== undefined && (!/^\+?\d+$/.test(v) || !Number.isSafeInteger(lines))) throw new JournalctlUsageError(`Failed to parse lines '${v}'`);
    } else if (key === '-p' || key === '--priority') priorities = parsePriorityRange(value());
    else if (key === '-o' || key === '--output') {
      const v = value();
      if (!OUTPUT_MODES.includes(v as OutputMode)) throw new JournalctlUsageError(`Unknown output format '${v}'.`);
      mode = v as OutputMode;
    } else if (key === '-S' || key === '--since' || key === '-U' || key === '--until') {
      const v = value();
      const us = parseTimestamp(v, nowUs);
      if (us === undefined) throw new JournalctlUsageError(`Failed to parse timestamp: ${v}`);
      if (key === '-S' || key === '--since') sinceUs = us;
      else untilUs = us;
    } else if (key === '-b' || key === '--boot') {
      // journalctl's -b takes its value only when the next word looks like a boot.
      const v = inline ?? (args[i + 1] !== undefined && BOOT_ARG.test(args[i + 1]!) ? args[++i] : undefined);
      boot = v === undefined ? { offset: 0 } : parseBoot(v);
    } else if (key === '-f' || key === '--follow') follow = true;
    else if (key === '-r' || key === '--reverse') reverse = true;
    else if (key === '-e' || key === '--pager-end') pagerEnd = true;
    else if (key === '--no-tail') noTail = true;
    else if (key === '-q' || key === '--quiet') quiet = true;
    else if (key === '--no-pager') continue;
    else if (key === '--list-boots') action = { kind: 'list-boots' };
    else if (key === '--disk-usage') action = { kind: 'disk-usage' };
    else if (key === '--vacuum-size') {
      const v = value();
      vacuumBytes = parseSize(v);
      if (vacuumBytes === undefined) throw new JournalctlUsageError(`Failed to parse vacuum size: ${v}`);
    } else if (key === '--vacuum-time') {
      const v = value();
      const span = parseTimespan(v);
      if (span === undefined) throw new JournalctlUsageError(`Failed to parse vacuum time: ${v}`);
      vacuumOlderThanUs = nowUs - span;
    } else if (VALUED.has(key)) throw new JournalctlUsageError(`option '${key}' requires an argument`);
    else throw new JournalctlUsageError(`unrecognized option '${a}'`);
  }
  if (follow && reverse) throw new JournalctlUsageError('Please specify either --reverse= or --follow=, not both.');
  if (sinceUs !== undefined && untilUs !== undefined && sinceUs > untilUs) throw new JournalctlUsageError('--since= must be before --until=.');
  if (vacuumBytes !== undefined || vacuumOlderThanUs !== undefined) {
    action = { kind: 'vacuum', ...(vacuumBytes !== undefined ? { maxBytes: vacuumBytes } : {}), ...(vacuumOlderThanUs !== undefined ? { olderThanUs: vacuumOlderThanUs } : {}) };
  }
  // journalctl: -f shows the last 10 unless -n says otherwise or --no-tail asks for all; -e the
  // last 1000 (it jumps to the pager's end).
  if (lines === undefined && !noTail) {
    if (follow) lines = 10;
    else if (pagerEnd) lines = 1000;
  }
  if (noTail) lines = undefined;
  return {
    action, units, mode, follow, reverse, quiet,
    ...(priorities !== undefined ? { minPriority: priorities.min, maxPriority: priorities.max } : {}),
    ...(sinceUs !== undefined ? { sinceUs } : {}),
    ...(untilUs !== undefined ? { untilUs } : {}),
    ...(boot !== undefined ? { boot } : {}),
    ...(lines !== undefined ? { lines } : {}),
  };
}

/** systemd's format_bytes(): 1024-based, one truncated decimal, `0B` below a KiB. */
export function formatBytes(bytes: number): string {
  const suffixes = ['E', 'P', 'T', 'G', 'M', 'K'];
  for (let i = 0; i < suffixes.length; i++) {
    const factor = 1024 ** (suffixes.length - i);
    if (bytes >= factor) return `${Math.floor(bytes / factor)}.${Math.floor((bytes * 10) / factor) % 10}${suffixes[i]}`;
  }
  return `${bytes}B`;
}

/** -b's selector to a boot id: offsets count back from the newest boot (0 the daemon's), forward from the first (1). */
export function resolveBoot(sel: BootSelector, answer: JournalBootsAnswer): string | undefined {
  const ids = answer.boots.map((b) => b.bootId);
  if (sel.id !== undefined) {
    const at = ids.indexOf(sel.id);
    return at < 0 ? (sel.offset === 0 ? sel.id : undefined) : ids[at + sel.offset];
  }
  if (sel.offset === 0) return answer.currentBootId;
  return sel.offset > 0 ? ids[sel.offset - 1] : ids[ids.length - 1 + sel.offset];
}

