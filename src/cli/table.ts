// systemd's plain tables: columns left-aligned to their widest cell, one space apart, the last
// column unpadded; the header only with the legend.
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], legend: boolean): string {
  const all = legend ? [header, ...rows] : rows;
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join(' ').trimEnd() + '\n').join('');
}
