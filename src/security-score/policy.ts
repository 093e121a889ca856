// --security-policy=FILE: per-check overrides of weight, range and the three descriptions, keyed
// by json_field. As in systemd 252, a field of the wrong type is ignored, not an error.
import type { SecurityCheck } from './checks.js';

export interface CheckOverride {
  readonly weight?: number;
  readonly range?: number;
  readonly descriptionGood?: string;
  readonly descriptionBad?: string;
  readonly descriptionNa?: string;
}

export type SecurityPolicy = Readonly<Record<string, CheckOverride>>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const unsigned = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A parsed JSON document to a policy; anything that is not an object of objects counts as empty. */
export function policyFromJson(doc: unknown): SecurityPolicy {
  if (!isRecord(doc)) return {};
  const out: Record<string, CheckOverride> = {};
  for (const [field, item] of Object.entries(doc)) {
    if (!isRecord(item)) continue;
    const o = {
      weight: unsigned(item['weight']), range: unsigned(item['range']), descriptionGood: text(item['description_good']),
      descriptionBad: text(item['description_bad']), descriptionNa: text(item['description_na']),
    };
    out[field] = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  }
  return out;
}

/** The check as the policy sees it. */
export function withPolicy(check: SecurityCheck, policy: SecurityPolicy | undefined): SecurityCheck {
  const o = policy?.[check.jsonField];
  if (!o) return check;
  return {
    ...check,
    weight: o.weight ?? check.weight,
    range: o.range ?? check.range,
    ...(o.descriptionGood !== undefined ? { good: o.descriptionGood } : {}),
    ...(o.descriptionBad !== undefined ? { bad: o.descriptionBad } : {}),
    ...(o.descriptionNa !== undefined ? { na: o.descriptionNa } : {}),
  };
}
