// Scores a unit as it would be with extra settings: its own files parsed again by the same pure
// parser with one more drop-in appended, so --explain and --suggest report computed scores.
import { lexUnitFile, type LexedFile } from '../unit/lexer.js';
import { applyAssignments } from '../unit/parse.js';
import type { UnitSettings } from '../unit/settings.js';
import type { UnitHostFacts } from '../unit/specifiers.js';
import type { UnitType } from '../unit/unit-name.js';
import { securityInfo, type SyscallResolves } from './info.js';
import type { SecurityPolicy } from './policy.js';
import { scoreSecurity, type SecurityScore } from './score.js';

export interface UnitSource {
  readonly name: string;
  readonly type: UnitType;
  readonly fragmentPath: string;
  /** The fragment, then its drop-ins in the order they apply. */
  readonly files: readonly LexedFile[];
  readonly host: UnitHostFacts;
}

/** A drop-in's text for a list of `Key=value` lines. */
export const dropInText = (section: string, lines: readonly string[]): string => `[${section}]\n${lines.join('\n')}\n`;

export function settingsWith(source: UnitSource, extraDropIn?: string): UnitSettings {
  const extra = extraDropIn === undefined ? [] : [lexUnitFile(extraDropIn, '(nsbox what-if drop-in)')];
  return applyAssignments([...source.files, ...extra], source.type, { unitName: source.name, fragmentPath: source.fragmentPath, host: source.host }).settings;
}

export function scoreWith(source: UnitSource, resolves: SyscallResolves, policy: SecurityPolicy | undefined, extraDropIn?: string): SecurityScore {
  const settings = settingsWith(source, extraDropIn);
  return scoreSecurity(securityInfo({ name: source.name, fragmentPath: source.fragmentPath, settings }, resolves), resolves, policy);
}
