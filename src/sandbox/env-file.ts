// EnvironmentFile= contents -> assignments, with the shell-like rules systemd's env-file parser
// follows: `#`/`;` comment lines, `KEY=VALUE` with whitespace around key and value trimmed,
// '...' literal, "..." with \" \\ \` \$ escapes, backslash-newline continuation, and invalid
// names ignored (reported). The edge reads the file; this only parses its text.
import type { SandboxDiagnostic } from './errors.js';
import { isValidEnvName } from '../unit/exec-values.js';

export { isValidEnvName };

const DOUBLE_QUOTE_ESCAPABLE = new Set(['"', '\\', '`', '$']);
const isBlank = (c: string): boolean => c === ' ' || c === '\t';

export interface ParsedEnvFile {
  readonly assignments: readonly string[];
  readonly diagnostics: readonly SandboxDiagnostic[];
}

export function parseEnvironmentFile(text: string, fileName: string): ParsedEnvFile {
  const assignments: string[] = [];
  const diagnostics: SandboxDiagnostic[] = [];
  let i = 0;
  const n = text.length;
  const skipLine = (): void => { while (i < n && text[i] !== '\n') i++; i++; };
  while (i < n) {
    while (i < n && (isBlank(text[i] as string) || text[i] === '\r' || text[i] === '\n')) i++;
    if (i >= n) break;
    if (text[i] === '#' || text[i] === ';') { skipLine(); continue; }
    let key = '';
    while (i < n && text[i] !== '=' && text[i] !== '\n') key += text[i++];
    if (i >= n || text[i] === '\n') {
      diagnostics.push({ level: 'warning', setting: `EnvironmentFile=${fileName}`, message: `line without "=" ignored: ${key.trim()}` });
      i++;
      continue;
    }
    i++; // '='
    key = key.trim();
    while (i < n && isBlank(text[i] as string)) i++;
    let value = '';
    // Trailing blanks of unquoted text are dropped; quoted text keeps them, so track where it ends.
    let keep = 0;
    for (;;) {
      if (i >= n) break;
      const c = text[i] as string;
      if (c === '\n') { i++; break; }
      if (c === '\\') {
        const next = text[i + 1];
        i += 2;
        if (next === undefined) break;
        if (next !== '\n') { value += next; keep = value.length; }
        continue;
      }
      if (c === "'") {
        i++;
        while (i < n && text[i] !== "'") value += text[i++];
        i++;
        keep = value.length;
        continue;
      }
      if (c === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          const d = text[i] as string;
          if (d === '\\') {
            const next = text[i + 1] ?? '';
            if (DOUBLE_QUOTE_ESCAPABLE.has(next)) value += next;
            else if (next !== '\n') value += `\\${next}`;
            i += 2;
            continue;
          }
          value += d;
          i++;
        }
        i++;
        keep = value.length;
        continue;
      }
      value += c;
      if (!isBlank(c) && c !== '\r') keep = value.length;
      i++;
    }
    value = value.slice(0, keep);
    if (!isValidEnvName(key)) {
      diagnostics.push({ level: 'warning', setting: `EnvironmentFile=${fileName}`, message: `invalid variable name "${key}" ignored` });
      continue;
    }
    assignments.push(`${key}=${value}`);
  }
  return { assignments, diagnostics };
}
