// systemctl's tables: columns as wide as their widest cell, one space apart, the last one not
// padded; numeric columns aligned right.

export interface Column {
  readonly header: string;
  readonly right?: boolean;
}

/** The table's lines, header first unless `header` is false. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[], opts: { readonly header: boolean }): string[] {
  const all = opts.header ? [columns.map((c) => c.header), ...rows] : rows;
  const widths = columns.map((_, i) => Math.max(0, ...all.map((r) => [...(r[i] ?? '')].length)));
  return all.map((r) => columns.map((c, i) => {
    const cell = r[i] ?? '';
    const pad = ' '.repeat(widths[i]! - [...cell].length);
    if (c.right) return pad + cell;
    return i === columns.length - 1 ? cell : cell + pad;
  }).join(' ').replace(/ +$/, ''));
}
