// Reading directives nsbox keeps verbatim (settings.other) with systemd's assignment rules: the
// last valid assignment wins, an invalid one is ignored (systemd logs and keeps the old value),
// and an empty one resets (the parser already drops what came before it).
import { parseBoolean } from '../unit/values.js';

export const lastValue = (values: readonly string[]): string | undefined => values[values.length - 1];

/** The last value that is one of `allowed` (an invalid one is ignored, as systemd does). */
export const lastOf = (values: readonly string[], allowed: readonly string[]): string | undefined =>
  values.map((v) => v.trim()).filter((v) => allowed.includes(v)).at(-1);

export function lastBoolean(values: readonly string[]): boolean | undefined {
  let result: boolean | undefined;
  for (const v of values) {
    try {
      result = parseBoolean(v.trim());
    } catch { /* systemd ignores an invalid assignment */ }
  }
  return result;
}

export const valuesAfterReset = (values: readonly string[]): readonly string[] => values.filter((v) => v.trim() !== '');

/** Whitespace-separated words of every value, in order. */
export const wordsOf = (values: readonly string[]): string[] => values.flatMap((v) => v.split(/\s+/).filter((w) => w !== ''));
