// Word splitting and unescaping as systemd's extract_first_word() and cunescape() do it: quotes may
// open anywhere inside a word, backslash escapes work inside both kinds of quotes, and C escapes
// include systemd's `\s` (space) and `\xNN`.
import { UnitValueError } from './errors.js';

export interface WordOptions {
  /** Remove '…' and "…" quoting. */
  readonly unquote?: boolean;
  /** Decode C escapes (`\n`, `\x41`, `\101`, `\u00e9` ...) rather than taking the next char literally. */
  readonly cunescape?: boolean;
  /** Keep unknown escapes and an unterminated quote/trailing backslash instead of failing (EXTRACT_RELAX). */
  readonly relax?: boolean;
  /**
   * Keep unknown escapes and a trailing backslash outside quotes (EXTRACT_CUNESCAPE_RELAX), but
   * still fail on unbalanced quoting: systemd's retry for Exec*= words.
   */
  readonly relaxEscapes?: boolean;
  /** Keep `\\x` pairs as written, for values whose own syntax gives backslash a meaning (`\\:`). */
  readonly retainEscape?: boolean;
  /** Characters that separate words; default whitespace. */
  readonly separators?: string;
}

const WHITESPACE = ' \t\n\r';
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', '"': '"', "'": "'", s: ' ',
};

/** Decodes one escape at s[i] (the char after the backslash); returns [text, length] or undefined. */
function unescapeOne(s: string, i: number): [string, number] | undefined {
  const c = s[i];
  if (c === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, 1];
  const hex = (n: number): [string, number] | undefined => {
    const digits = s.slice(i + 1, i + 1 + n);
    if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) return undefined;
    const code = parseInt(digits, 16);
    // systemd refuses NUL and invalid code points inside strings.
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return [String.fromCodePoint(code), n + 1];
  };
  if (c === 'x') return hex(2);
  if (c === 'u') return hex(4);
  if (c === 'U') return hex(8);
  if (c >= '0' && c <= '7') {
    const digits = s.slice(i, i + 3);
    if (!/^[0-7]{3}$/.test(digits)) return undefined;
    const code = parseInt(digits, 8);
    if (code === 0 || code > 255) return undefined;
    return [String.fromCharCode(code), 3];
  }
  return undefined;
}

/** cunescape(): decodes every escape in `s`; unknown escapes fail unless `relax`. */
export function cunescape(s: string, relax = false): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i];
      continue;
    }
    const decoded = unescapeOne(s, i + 1);
    if (decoded === undefined) {
      if (!relax) throw new UnitValueError('Invalid escape sequence', s);
      out += '\\';
      continue;
    }
    out += decoded[0];
    i += decoded[1];
  }
  return out;
}

export interface WordCursor {
  readonly text: string;
  pos: number;
}

/**
 * Extracts the next word at cursor.pos and advances past it and the following separators;
 * returns undefined at the end. An empty quoted word ("") is returned as ''.
 */
export function nextWord(cursor: WordCursor, opts: WordOptions = {}): string | undefined {
  const separators = opts.separators ?? WHITESPACE;
  const s = cursor.text;
  let i = cursor.pos;
  while (i < s.length && separators.includes(s[i]!)) i++;
  if (i >= s.length) {
    cursor.pos = i;
    return undefined;
  }
  let word = '';
  let quote: string | undefined;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (quote === undefined && separators.includes(c)) break;
    if (c === '\\') {
      if (i + 1 >= s.length) {
        if (!opts.relax && !(opts.relaxEscapes && quote === undefined)) throw new UnitValueError('Trailing backslash', s);
        word += '\\';
        continue;
      }
      if (opts.retainEscape) {
        word += s.slice(i, i + 2);
        i++;
      } else if (opts.cunescape) {
        const decoded = unescapeOne(s, i + 1);
        if (decoded === undefined) {
          if (!opts.relax && !opts.relaxEscapes) throw new UnitValueError('Unknown escape sequence', s);
          word += '\\';
          continue;
        }
        word += decoded[0];
        i += decoded[1];
      } else {
        word += s[i + 1];
        i++;
      }
      continue;
    }
    if (opts.unquote && quote === undefined && (c === '"' || c === "'")) {
      quote = c;
      continue;
    }
    if (quote !== undefined && c === quote) {
      quote = undefined;
      continue;
    }
    word += c;
  }
  if (quote !== undefined && !opts.relax) throw new UnitValueError('Unbalanced quoting', s);
  while (i < s.length && separators.includes(s[i]!)) i++;
  cursor.pos = i;
  return word;
}

/** All words of `s`; throws UnitValueError on bad quoting or escapes. */
export function splitWords(s: string, opts: WordOptions = {}): string[] {
  const cursor: WordCursor = { text: s, pos: 0 };
  const words: string[] = [];
  for (let w = nextWord(cursor, opts); w !== undefined; w = nextWord(cursor, opts)) words.push(w);
  return words;
}
