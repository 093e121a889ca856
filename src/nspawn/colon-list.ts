// nspawn's colon-separated option values (--bind, --tmpfs, --overlay): `\:` is a colon inside a
// path, every other character is itself.

/** Splits on ':' not preceded by a backslash, as nspawn's extract_first_word with colons does. */
export function splitColons(value: string): string[] {
  const out: string[] = [''];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && value[i + 1] === ':') {
      out[out.length - 1] += ':';
      i++;
    } else if (c === ':') out.push('');
    else out[out.length - 1] += c;
  }
  return out;
}
