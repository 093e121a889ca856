// format-table's plain output, as systemd-analyze prints it when stdout is not a terminal: upper-case
// headers, columns one space apart and as wide as their widest cell, no colour, no truncation,
// and no padding after the last cell of a line.

/** Display width of a cell: every character systemd-analyze puts in a table is one column. */
export const cellWidth = (s: string): number => [...s].length;

export interface Column {
  readonly header: string;
  readonly align: 'left' | 'right';
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((col, c) => Math.max(cellWidth(col.header), ...rows.map((r) => cellWidth(r[c]!))));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => {
      const pad = ' '.repeat(widths[c]! - cellWidth(cell));
      const last = c === cells.length - 1;
      if (columns[c]!.align === 'right') return last && cell === '' ? '' : pad + cell;
      return last ? cell : cell + pad;
    }).join(' ');
  return [line(columns.map((c) => c.header)), ...rows.map(line)];
}
