// fnmatch(3) of one name, as systemd uses it for ConditionHost=, PathExistsGlob= components,
// preset rules and systemctl's unit patterns.

/** fnmatch(3) of one name (no `/` in either): `*`, `?`, `[…]`; casefold for ConditionHost=. */
export function fnmatch(pattern: string, text: string, casefold = false): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, casefold ? 'is' : 's').test(text);
}
