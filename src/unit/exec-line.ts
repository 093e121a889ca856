// Exec*= lines (systemd.service(5) "Command lines"): several commands separated by a lone `;`,
// special prefixes on the executable, quoting and C escapes, specifiers resolved per word.
import type { CommandKind, CommandPrefixes, ExecCommand } from './exec-command.js';
import { UnitValueError } from './errors.js';
import { nextWord, type WordCursor } from './words.js';

export interface ExecLineResult {
  readonly commands: readonly ExecCommand[];
  /** Warnings systemd logs but that do not drop the line (unknown escapes kept verbatim). */
  readonly warnings: readonly string[];
  /** Set when the line is invalid; `ignoreFailure` says whether systemd only warns (`-`). */
  readonly error?: { readonly message: string; readonly ignoreFailure: boolean };
}

const WORD = { unquote: true, cunescape: true } as const;
const WHITESPACE = ' \t\n\r';

/** Splits `-@:+!` / `!!` off the executable; stops at the first char that is not a valid prefix. */
export function splitPrefixes(word: string): { prefixes: CommandPrefixes; rest: string } {
  let ignoreFailure = false, argv0Override = false, noEnvExpansion = false;
  let fullPrivileges = false, noSetCredentials = false, ambientFallback = false;
  let i = 0;
  for (; i < word.length; i++) {
    const c = word[i];
    if (c === '-' && !ignoreFailure) ignoreFailure = true;
    else if (c === '@' && !argv0Override) argv0Override = true;
    else if (c === ':' && !noEnvExpansion) noEnvExpansion = true;
    else if (c === '+' && !fullPrivileges && !noSetCredentials && !ambientFallback) fullPrivileges = true;
    else if (c === '!' && !fullPrivileges && !noSetCredentials && !ambientFallback) noSetCredentials = true;
    else if (c === '!' && !fullPrivileges && noSetCredentials && !ambientFallback) {
      noSetCredentials = false;
      ambientFallback = true;
    } else break;
  }
  return {
    prefixes: { ignoreFailure, argv0Override, noEnvExpansion, fullPrivileges, noSetCredentials, ambientFallback },
    rest: word.slice(i),
  };
}

function isValidFilename(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !s.includes('/') && s.length <= 255;
}

function isNormalizedAbsolute(p: string): boolean {
  return p.startsWith('/') && !/(^|\/)\.\.?(\/|$)/.test(p) && !p.includes('//');
}

/** Raw-text check for the separator, so an escaped `\;` stays an argument. */
function atSeparator(cursor: WordCursor): 'separator' | 'escaped' | undefined {
  const s = cursor.text;
  let i = cursor.pos;
  while (i < s.length && WHITESPACE.includes(s[i]!)) i++;
  const after = (n: number): boolean => i + n >= s.length || WHITESPACE.includes(s[i + n]!);
  if (s[i] === ';' && after(1)) {
    cursor.pos = i + 1;
    return 'separator';
  }
  if (s[i] === '\\' && s[i + 1] === ';' && after(2)) {
    cursor.pos = i + 2;
    return 'escaped';
  }
  return undefined;
}

/**
 * One word with C escapes; unknown escapes are kept verbatim with a warning, as systemd does.
 * Unbalanced quoting fails even then (systemd: "Unbalanced quoting", and the unit does not load).
 */
function execWord(cursor: WordCursor, warnings: string[]): string | undefined {
  const start = cursor.pos;
  try {
    return nextWord(cursor, WORD);
  } catch (e) {
    if (!(e instanceof UnitValueError)) throw e;
    cursor.pos = start;
    const word = nextWord(cursor, { ...WORD, relaxEscapes: true });
    warnings.push(`Ignoring unknown escape sequences: "${word ?? ''}"`);
    return word;
  }
}

/**
 * Parses one Exec*= value (already known to be non-empty). `expand` resolves specifiers in each
 * word; it throws UnitValueError when a specifier is unknown.
 */
export function parseExecLine(value: string, kind: CommandKind, expand: (s: string) => string): ExecLineResult {
  const commands: ExecCommand[] = [];
  const warnings: string[] = [];
  const cursor: WordCursor = { text: value, pos: 0 };
  let ignoreFailure = false;
  const fail = (message: string): ExecLineResult => ({ commands, warnings, error: { message, ignoreFailure } });
  try {
    for (;;) {
      while (atSeparator(cursor) === 'separator') { /* empty commands (`; ;`) are skipped */ }
      const first = nextWord(cursor, WORD);
      if (first === undefined) break;
      const { prefixes, rest } = splitPrefixes(first);
      ignoreFailure = prefixes.ignoreFailure;
      const path = expand(rest);
      if (path === '') return fail(`Empty path in command line, ignoring: "${value}"`);
      if (!path.startsWith('/') && !isValidFilename(path)) {
        return fail(`Neither a valid executable name nor an absolute path${ignoreFailure ? ', ignoring' : ''}: ${path}`);
      }
      if (path.startsWith('/') && !isNormalizedAbsolute(path)) {
        return fail(`Executable path is not normalized${ignoreFailure ? ', ignoring' : ''}: ${path}`);
      }
      const argv: string[] = [];
      if (!prefixes.argv0Override) argv.push(path);
      for (;;) {
        const sep = atSeparator(cursor);
        if (sep === 'separator') break;
        if (sep === 'escaped') {
          argv.push(';');
          continue;
        }
        const word = execWord(cursor, warnings);
        if (word === undefined) break;
        argv.push(expand(word));
      }
      if (argv.length === 0) return fail(`Empty executable name or zeroeth argument${ignoreFailure ? ', ignoring' : ''}: ${value}`);
      commands.push({ kind, path, argv, prefixes });
    }
  } catch (e) {
    if (!(e instanceof UnitValueError)) throw e;
    // systemd words this one alike with or without `-`; only `-` makes it a warning.
    if (e.message === 'Unbalanced quoting') return fail(`Unbalanced quoting, ignoring: "${value}"`);
    return fail(`${e.message}${ignoreFailure ? ', ignoring' : ''}: ${value}`);
  }
  return { commands, warnings };
}

/** systemd 252's compiled-in search path for bare command names (merged /usr, split sbin). */
export const DEFAULT_EXEC_SEARCH_PATH: readonly string[] = [
  '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin',
];

/**
 * Resolves a bare command name as systemd does at start: the first directory of the search path
 * (ExecSearchPath= or the default) holding an executable of that name. Absolute paths are kept.
 */
export function resolveCommandPath(
  path: string,
  isExecutable: (candidate: string) => boolean,
  searchPath: readonly string[] = DEFAULT_EXEC_SEARCH_PATH,
): string | undefined {
  if (path.startsWith('/')) return path;
  for (const dir of searchPath) {
    const candidate = `${dir.replace(/\/$/, '')}/${path}`;
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
