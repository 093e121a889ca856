// Applies a unit's assignments (fragment first, then drop-ins in order) to the settings model
// through the directive table, collecting diagnostics the way systemd reports them.
import type { UnitDiagnostic } from './diagnostics.js';
import type { DirectiveContext } from './directive.js';
import { lookupDirective, sectionsFor } from './directive-table.js';
import { UnitValueError } from './errors.js';
import { SYSTEMD_252_DIRECTIVES } from './known-directives.js';
import type { Assignment, LexedFile } from './lexer.js';
import { defaultUnitSettings, type UnitSettings } from './settings.js';
import { expandSpecifiers, type SpecifierContext } from './specifiers.js';
import type { UnitType } from './unit-name.js';

export interface ParseResult {
  readonly settings: UnitSettings;
  readonly diagnostics: readonly UnitDiagnostic[];
}

type MutableSettings = { -readonly [K in keyof UnitSettings]: { -readonly [F in keyof UnitSettings[K]]: UnitSettings[K][F] } };

export function applyAssignments(
  files: readonly LexedFile[],
  type: UnitType,
  specifiers: SpecifierContext,
): ParseResult {
  const settings = structuredClone(defaultUnitSettings()) as MutableSettings;
  const diagnostics: UnitDiagnostic[] = [];
  const allowed = sectionsFor(type);
  for (const file of files) {
    diagnostics.push(...file.diagnostics);
    for (const section of file.sections) {
      if (!allowed.has(section) && SYSTEMD_252_DIRECTIVES[section] !== undefined) {
        // The lexer reports sections systemd has never heard of; this, the ones of another unit type.
        diagnostics.push({ severity: 'warning', file: file.file, line: 0, section, message: `Unknown section '${section}'. Ignoring.` });
      }
    }
    for (const a of file.assignments) {
      if (!allowed.has(a.section)) continue;
      applyOne(settings, a, type, specifiers, diagnostics);
    }
  }
  return { settings: settings as UnitSettings, diagnostics };
}

function applyOne(
  settings: MutableSettings,
  a: Assignment,
  type: UnitType,
  specifiers: SpecifierContext,
  diagnostics: UnitDiagnostic[],
): void {
  const at = { file: a.file, line: a.line, section: a.section, key: a.key };
  const directive = lookupDirective(type, a.section, a.key);
  if (!directive) {
    if (a.key.startsWith('X-')) return;
    if (SYSTEMD_252_DIRECTIVES[a.section]?.has(a.key)) {
      const id = `${a.section}.${a.key}`;
      settings.other = { ...settings.other, [id]: a.value === '' ? [] : [...(settings.other[id] ?? []), a.value] };
      settings.otherAt = { ...settings.otherAt, [id]: { file: a.file, line: a.line } };
      return;
    }
    diagnostics.push({ ...at, severity: 'warning', message: `Unknown key '${a.key}' in section [${a.section}], ignoring.` });
    return;
  }
  let failed = false;
  const ctx: DirectiveContext = {
    key: a.key,
    expand: (text) => expandSpecifiers(text, specifiers),
    warn: (message) => diagnostics.push({ ...at, severity: 'warning', message }),
    fail: (message) => {
      failed = true;
      diagnostics.push({ ...at, severity: 'error', message });
    },
  };
  const target = settings[directive.target] as Record<string, unknown>;
  try {
    const next = (directive.apply as (c: unknown, v: string, x: DirectiveContext) => unknown)(target[directive.field as string], a.value, ctx);
    if (!failed) target[directive.field as string] = next;
  } catch (e) {
    if (!(e instanceof UnitValueError)) throw e;
    const what = directive.what ?? `${a.key}=`;
    diagnostics.push({
      ...at,
      severity: directive.fatal ? 'error' : 'warning',
      message: `Failed to parse ${what}${directive.fatal ? '' : ', ignoring'}: ${a.value} (${e.message})`,
    });
  }
}
