// --explain and --suggest: placeholder until written.
import type { LoadedUnit } from '../unit/index.js';
import type { SyscallResolves } from '../security-score/info.js';
import type { SecurityScore } from '../security-score/score.js';
import type { SecurityPolicy } from '../security-score/policy.js';
import type { SecurityArgs } from './analyze-security-args.js';

export function explainSecurity(_unit: LoadedUnit, _score: SecurityScore, _resolves: SyscallResolves, _policy: SecurityPolicy | undefined): string {
  return '';
}

export async function suggestSecurity(_unit: LoadedUnit, _score: SecurityScore, _resolves: SyscallResolves, _policy: SecurityPolicy | undefined, _args: SecurityArgs): Promise<string> {
  return '';
}
