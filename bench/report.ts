// Turns samples into result rows, the human table and the --json array. Pure.
import type { ToolSamples } from './cases.js';
import { median, p90 } from './stats.js';

export interface ResultRow {
  readonly case: string;
  readonly tool: string;
  readonly median_ms: number | null;
  readonly p90_ms: number | null;
  readonly runs: number;
  /** Set when the tool failed; the other fields are then empty. */
  readonly error?: string;
  /** What median/p90 count when not milliseconds ('MB', 'KiB'). */
  readonly unit?: string;
}

export const BASELINE_TOOL = 'nsbox';

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

export function summarize(caseLabel: string, results: readonly ToolSamples[]): ResultRow[] {
  return results.map((r) => {
    const label = r.measure !== undefined ? `${caseLabel}: ${r.measure}` : caseLabel;
    const unit = r.unit !== undefined ? { unit: r.unit } : {};
    return r.error !== undefined || r.samplesMs.length === 0
      ? { case: label, tool: r.tool, median_ms: null, p90_ms: null, runs: 0, error: r.error ?? 'no samples', ...unit }
      : { case: label, tool: r.tool, median_ms: round3(median(r.samplesMs)), p90_ms: round3(p90(r.samplesMs)), runs: r.samplesMs.length, ...unit };
  });
}

/** The --json output: one object per case and tool, in run order. */
export function toJson(rows: readonly ResultRow[]): string {
  return JSON.stringify(rows.map((r) => ({ case: r.case, tool: r.tool, median_ms: r.median_ms, p90_ms: r.p90_ms, runs: r.runs, ...(r.unit !== undefined ? { unit: r.unit } : {}), ...(r.error !== undefined ? { error: r.error } : {}) })));
}

/**
 * "x nsbox" is the tool's median over nsbox's for the same case: 2.00x means it took twice as
 * long as nsbox. Without an nsbox row (executor not built yet) the first tool is the baseline.
 */
export function ratios(rows: readonly ResultRow[]): Map<ResultRow, { ratio: number; baseline: string }> {
  const out = new Map<ResultRow, { ratio: number; baseline: string }>();
  const cases = [...new Set(rows.map((r) => r.case))];
  for (const c of cases) {
    const inCase = rows.filter((r) => r.case === c && r.median_ms !== null);
    const base = inCase.find((r) => r.tool === BASELINE_TOOL) ?? inCase[0];
    if (base?.median_ms == null || base.median_ms === 0) continue;
    for (const r of inCase) out.set(r, { ratio: r.median_ms! / base.median_ms, baseline: base.tool });
  }
  return out;
}

export function formatTable(rows: readonly ResultRow[], perSandboxCases: ReadonlySet<string>): string {
  const ratioOf = ratios(rows);
  const header = ['case', 'tool', 'median ms', 'p90 ms', 'runs', 'vs baseline', 'per second'];
  const body = rows.map((r) => {
    if (r.median_ms === null || r.p90_ms === null) return [r.case, r.tool, 'FAILED', '', '0', '', r.error ?? ''];
    const rel = ratioOf.get(r);
    return [
      r.case,
      r.tool,
      `${r.median_ms.toFixed(2)}${r.unit !== undefined ? ` ${r.unit}` : ''}`,
      `${r.p90_ms.toFixed(2)}${r.unit !== undefined ? ` ${r.unit}` : ''}`,
      String(r.runs),
      rel === undefined ? '' : rel.baseline === r.tool ? `1.00 (=${r.tool})` : `${rel.ratio.toFixed(2)}x`,
      perSandboxCases.has(r.case) ? `${(1000 / r.median_ms).toFixed(0)}/s` : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
