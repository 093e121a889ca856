// Scores a unit written inline, through the same pure parser the loader uses.
import { lexUnitFile } from '../../../src/unit/lexer.js';
import { applyAssignments } from '../../../src/unit/parse.js';
import { defaultUnitHostFacts } from '../../../src/unit/specifiers.js';
import { securityInfo, type SecurityInfo } from '../../../src/security-score/info.js';
import { scoreSecurity, type ScoredCheck, type SecurityScore } from '../../../src/security-score/score.js';
import type { SecurityPolicy } from '../../../src/security-score/policy.js';

/** Every call resolves, except those named (to test libseccomp's say). */
export const resolvesExcept = (...missing: string[]) => (name: string): boolean => !missing.includes(name);

export function infoOf(serviceLines: string, name = 'test.service', unitLines = ''): SecurityInfo {
  const text = `[Unit]\n${unitLines}\n[Service]\nExecStart=/bin/true\n${serviceLines}\n`;
  const file = lexUnitFile(text, `/etc/systemd/system/${name}`);
  const type = name.slice(name.lastIndexOf('.') + 1) as 'service';
  const { settings } = applyAssignments([file], type, { unitName: name, fragmentPath: `/etc/systemd/system/${name}`, host: defaultUnitHostFacts });
  return securityInfo({ name, fragmentPath: `/etc/systemd/system/${name}`, settings }, resolvesExcept());
}

export function scoreOf(serviceLines: string, opts: { name?: string; unit?: string; policy?: SecurityPolicy; missing?: string[] } = {}): SecurityScore {
  const info = infoOf(serviceLines, opts.name, opts.unit);
  return scoreSecurity(info, resolvesExcept(...(opts.missing ?? [])), opts.policy);
}

export function row(score: SecurityScore, jsonField: string): ScoredCheck {
  const found = score.rows.find((r) => r.check.jsonField === jsonField);
  if (!found) throw new Error(`no check ${jsonField}`);
  return found;
}

/** badness of one check for a unit with these [Service] lines. */
export const badness = (jsonField: string, serviceLines: string, unitLines = ''): number | 'n/a' =>
  row(scoreOf(serviceLines, { unit: unitLines }), jsonField).badness;
