// A start's Condition*= then Assert*= check (systemd's unit_test_condition/unit_test_assert) with
// its journal lines, for services and targets alike: an unmet condition skips the start (job
// `done`, nothing run), an unmet assert fails it (job `assert`).
import type { UnitSection } from '../unit/settings.js';
import { describeCondition, evaluateConditions, type ConditionOutcome } from '../unit/conditions.js';
import { gatherConditionFacts } from '../service/condition-facts.js';
import type { JournalSink } from './journal-sink.js';

export interface CheckRecord {
  readonly met: boolean;
  readonly timestampUs: number;
  readonly outcomes: readonly ConditionOutcome[];
}

export interface ConditionCheckResult {
  /** 'done' (skipped: a condition not met) or 'assert'; undefined when the start goes on. */
  readonly stop?: 'done' | 'assert';
  readonly condition: CheckRecord;
  /** Absent when the conditions already stopped the start (asserts are not tested then). */
  readonly assert?: CheckRecord;
}

export function checkConditions(unitName: string, u: UnitSection, journal: JournalSink, nowUs: number): ConditionCheckResult {
  const facts = u.conditions.length + u.asserts.length > 0 ? gatherConditionFacts(u.conditions, u.asserts) : undefined;
  const conditions = facts ? evaluateConditions(u.conditions, facts) : { met: true, outcomes: [] };
  for (const o of conditions.outcomes) {
    if (o.unsupported) journal.manager(unitName, `${unitName}: ${o.condition.kind}= is not evaluated by nsbox, treating it as met.`, 4);
  }
  const condition = { met: conditions.met, timestampUs: nowUs, outcomes: conditions.outcomes };
  if (!conditions.met) {
    const failed = 'failed' in conditions && conditions.failed ? ` (${describeCondition(conditions.failed)})` : '';
    journal.manager(unitName, `${unitName} was skipped because of an unmet condition check${failed}.`);
    return { stop: 'done', condition };
  }
  const asserts = facts ? evaluateConditions(u.asserts, facts) : { met: true, outcomes: [] };
  const assert = { met: asserts.met, timestampUs: nowUs, outcomes: asserts.outcomes };
  if (!asserts.met) {
    journal.manager(unitName, `${unitName}: Starting requested but asserts failed.`, 5);
    journal.manager(unitName, `Assertion failed for ${unitName}.`, 3);
    return { stop: 'assert', condition, assert };
  }
  return { condition, assert };
}
