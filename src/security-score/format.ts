// systemd-analyze security's output, byte for byte: the details table as format-table prints it
// when stdout is not a terminal (no truncation, no colour), the summary line, and --json in
// systemd's short and pretty styles (its pretty style puts " : " after keys and indents by tabs).
import { formatTenths, sortedRows, type ExposureLevel, type SecurityScore } from './score.js';
import { formatTable } from './table.js';

/** systemd's special glyphs: UTF-8 ones, emoji only where the terminal can show them, else ASCII. */
export interface Glyphs {
  readonly utf8: boolean;
  readonly emoji: boolean;
}

const EMOJI: Readonly<Record<ExposureLevel, string>> = {
  DANGEROUS: '🤢', UNSAFE: '😨', EXPOSED: '🙁', MEDIUM: '😐', OK: '🙂', SAFE: '😀', PERFECT: '😇',
};
const ASCII_SMILEY: Readonly<Record<ExposureLevel, string>> = {
  DANGEROUS: ':-[', UNSAFE: ':-{', EXPOSED: ':-(', MEDIUM: ':-|', OK: ':-)', SAFE: ':-}', PERFECT: ':-]',
};
export const smileyFor = (level: ExposureLevel, glyphs: Glyphs): string => (glyphs.emoji ? EMOJI : ASCII_SMILEY)[level];

const UTF8_EMOJI: Glyphs = { utf8: true, emoji: true };

export function formatSecurityTable(score: SecurityScore, glyphs: Glyphs = UTF8_EMOJI): string {
  const rows = sortedRows(score.rows).map((r) => [
    r.set === null ? '' : r.set ? (glyphs.utf8 ? '✓' : '+') : glyphs.utf8 ? '✗' : '-',
    r.check.id,
    r.description ?? '',
    r.exposure === null ? '' : formatTenths(r.exposure),
  ]);
  const out = formatTable([
    { header: ' ', align: 'left' }, { header: 'NAME', align: 'left' },
    { header: 'DESCRIPTION', align: 'left' }, { header: 'EXPOSURE', align: 'right' },
  ], rows);
  const arrow = glyphs.utf8 ? '→' : '->';
  const smiley = smileyFor(score.level, glyphs);
  out.push('', `${arrow} Overall exposure level for ${score.unit}: ${formatTenths(score.exposure)} ${score.level} ${smiley}`);
  return `${out.join('\n')}\n`;
}

type JsonRow = { set: boolean | null; name: string; json_field: string; description: string | null; exposure: string | null };

function jsonRows(score: SecurityScore): JsonRow[] {
  return sortedRows(score.rows).map((r) => ({
    set: r.set, name: r.check.id, json_field: r.check.jsonField, description: r.description,
    exposure: r.exposure === null ? null : formatTenths(r.exposure),
  }));
}

function pretty(value: unknown, depth: number): string {
  const tabs = (n: number): string => '\t'.repeat(n);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => tabs(depth + 1) + pretty(v, depth + 1)).join(',\n')}\n${tabs(depth)}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${tabs(depth + 1)}${JSON.stringify(k)} : ${pretty(v, depth + 1)}`).join(',\n')}\n${tabs(depth)}}`;
  }
  return JSON.stringify(value);
}

export function formatSecurityJson(score: SecurityScore, style: 'short' | 'pretty'): string {
  const rows = jsonRows(score);
  return `${style === 'short' ? JSON.stringify(rows) : pretty(rows, 0)}\n`;
}
