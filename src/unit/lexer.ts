// systemd's unit-file syntax (systemd.syntax(7)) turned into an ordered list of assignments.
// Behaviour checked against systemd 252: a line ending in an unescaped backslash continues on the
// next line with the backslash replaced by a space; comment lines met *inside* a continuation are
// skipped, but a comment line ending in a backslash does not continue; a continued assignment is
// reported at its last physical line, as systemd does.
import type { UnitDiagnostic } from './diagnostics.js';

export interface Assignment {
  readonly file: string;
  readonly line: number;
  readonly section: string;
  readonly key: string;
  readonly value: string;
}

export interface LexedFile {
  readonly file: string;
  readonly assignments: readonly Assignment[];
  /** Section names in order of first appearance, `X-` sections included. */
  readonly sections: readonly string[];
  readonly diagnostics: readonly UnitDiagnostic[];
}

const WHITESPACE = /^[ \t\n\r]+|[ \t\n\r]+$/g;
const strip = (s: string): string => s.replace(WHITESPACE, '');
const isComment = (s: string): boolean => s.startsWith('#') || s.startsWith(';');
/** systemd refuses longer (logical) lines. */
export const LINE_MAX = 1024 * 1024;

function endsInUnescapedBackslash(line: string): boolean {
  let escaped = false;
  for (const c of line) escaped = escaped ? false : c === '\\';
  return escaped;
}

export interface LexOptions {
  /** Sections whose assignments are kept; others get "Unknown section". Absent: keep all. */
  readonly knownSections?: ReadonlySet<string>;
}

export function lexUnitFile(text: string, file: string, opts: LexOptions = {}): LexedFile {
  const assignments: Assignment[] = [];
  const sections: string[] = [];
  const diagnostics: UnitDiagnostic[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  let section: string | undefined;
  let ignoringSection = false;
  let continuation: string | undefined;

  const handle = (logical: string, line: number): void => {
    const l = strip(logical);
    if (l === '' || isComment(l)) return;
    if (l.length > LINE_MAX) {
      diagnostics.push({ severity: 'error', file, line, message: 'Line too long.' });
      return;
    }
    if (l.startsWith('[')) {
      if (!l.endsWith(']') || l.length < 3) {
        diagnostics.push({ severity: 'error', file, line, message: `Invalid section header '${l}'` });
        return;
      }
      section = l.slice(1, -1);
      if (!sections.includes(section)) sections.push(section);
      ignoringSection = section.startsWith('X-') || (opts.knownSections !== undefined && !opts.knownSections.has(section));
      if (ignoringSection && !section.startsWith('X-')) {
        diagnostics.push({ severity: 'warning', file, line, section, message: `Unknown section '${section}'. Ignoring.` });
      }
      return;
    }
    const eq = l.indexOf('=');
    if (eq < 0) {
      diagnostics.push({ severity: 'warning', file, line, message: "Missing '=', ignoring line." });
      return;
    }
    if (section === undefined) {
      diagnostics.push({ severity: 'warning', file, line, message: 'Assignment outside of section. Ignoring.' });
      return;
    }
    if (ignoringSection) return;
    const key = strip(l.slice(0, eq));
    const value = strip(l.slice(eq + 1));
    assignments.push({ file, line, section, key, value });
  };

  lines.forEach((raw, index) => {
    const line = index + 1;
    const physical = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (continuation !== undefined) {
      if (isComment(physical.replace(/^[ \t]+/, ''))) return;
    } else if (isComment(strip(physical))) {
      return;
    }
    const joined = (continuation ?? '') + physical;
    if (endsInUnescapedBackslash(physical)) {
      continuation = joined.slice(0, -1) + ' ';
      return;
    }
    continuation = undefined;
    handle(joined, line);
  });
  if (continuation !== undefined) handle(continuation, lines.length);
  return { file, assignments, sections, diagnostics };
}
