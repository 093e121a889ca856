// $-expansion of Exec lines with the command's final environment, as systemd does it:
// `$$` is a literal `$`; `${NAME}` is replaced inside any word (unset: empty), keeping one word;
// a word that is exactly `$NAME` is split at whitespace into zero or more words; a `$NAME`
// inside a longer word stays as written.
import { getEnv } from './environment.js';

/** Replaces `${NAME}` and `$$` inside one word. */
export function expandWord(word: string, env: readonly string[]): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c !== '$') { out += c; continue; }
    const next = word[i + 1];
    if (next === '$') { out += '$'; i++; continue; }
    if (next === '{') {
      const close = word.indexOf('}', i + 2);
      if (close < 0) { out += word.slice(i); break; }
      out += getEnv(env, word.slice(i + 2, close)) ?? '';
      i = close;
      continue;
    }
    out += c;
  }
  return out;
}

/** Splits a value at whitespace, removing quotes as systemd's EXTRACT_UNQUOTE does. */
export function splitValue(value: string): string[] {
  const words: string[] = [];
  let current: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < value.length) current = (current ?? '') + value[++i];
      else current = (current ?? '') + c;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      current = current ?? '';
    } else if (c === '\\' && i + 1 < value.length) {
      current = (current ?? '') + value[++i];
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** Expands every argument; `noExpansion` (the `:` prefix) returns the words unchanged. */
export function expandArgv(argv: readonly string[], env: readonly string[], noExpansion = false): string[] {
  if (noExpansion) return [...argv];
  return argv.flatMap((word) => {
    if (word.startsWith('$') && word[1] !== '{' && word[1] !== '$' && word.length > 1) {
      const value = getEnv(env, word.slice(1));
      return value === undefined ? [] : splitValue(value);
    }
    return [expandWord(word, env)];
  });
}
