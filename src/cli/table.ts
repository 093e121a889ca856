// systemd's plain tables: columns left-aligned to their widest cell, one space apart, the last
// column unpadded; the header only with the legend. Columns named in `right` (numbers: list-jobs'
// JOB) align right.
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], legend: boolean, right: ReadonlySet<number> = new Set()): string {
  const all = legend ? [header, ...rows] : rows;
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join(' ').trimEnd() + '\n').join('');
}
