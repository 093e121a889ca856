// The sums, the rounding, the levels, the policy and the table order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposureLevel, formatTenths, sortedRows } from '../../../src/security-score/score.js';
import { policyFromJson } from '../../../src/security-score/policy.js';
import { SECURITY_CHECKS } from '../../../src/security-score/checks.js';
import { formatSecurityJson, formatSecurityTable } from '../../../src/security-score/format.js';
import { row, scoreOf } from './score-helpers.js';

test('exposure is ceil(sum of ceil(badness*weight/range) * 100 / sum of weights), in tenths', () => {
  const s = scoreOf('');
  let badness = 0;
  let weight = 0;
  for (const r of s.rows) {
    if (r.badness === 'n/a') continue;
    badness += Math.ceil((r.badness * r.weight) / r.range);
    weight += r.weight;
  }
  assert.equal(s.exposure, Math.ceil((badness * 100) / weight));
  assert.equal(formatTenths(s.exposure), '9.6');
  assert.equal(s.level, 'UNSAFE');
});

test('the levels start at 10.0, 9.0, 7.5, 5.0, 1.0 and 0.1', () => {
  assert.deepEqual([100, 99, 90, 89, 75, 74, 50, 49, 10, 9, 1, 0].map(exposureLevel),
    ['DANGEROUS', 'UNSAFE', 'UNSAFE', 'EXPOSED', 'EXPOSED', 'MEDIUM', 'MEDIUM', 'OK', 'OK', 'SAFE', 'SAFE', 'PERFECT']);
});

test("a row's exposure rounds up twice, and a good or inapplicable row has none", () => {
  const s = scoreOf('');
  const weights = s.rows.filter((r) => r.badness !== 'n/a').reduce((a, r) => a + r.weight, 0);
  const user = row(s, 'UserOrDynamicUser');
  assert.equal(user.exposure, Math.ceil(Math.ceil((10 * 2000 * 100) / 10) / weights));
  assert.equal(row(s, 'KeyringMode').exposure, null);
  assert.equal(row(s, 'RemoveIPC').exposure, null);
});

test('a policy can exclude a check (weight 0), rescale it, and reword it', () => {
  const policy = policyFromJson({
    PrivateNetwork: { weight: 0 }, UMask: { range: 20, description_bad: 'ignored: not at the built-in range' },
    KeyringMode: { description_good: 'kept private', weight: 'heavy' }, Delegate: 'not an object',
  });
  const s = scoreOf('', { policy });
  assert.equal(row(s, 'PrivateNetwork').badness, 'n/a');
  assert.equal(row(s, 'PrivateNetwork').description, 'Option excluded by policy, skipping');
  assert.equal(row(s, 'UMask').range, 20);
  assert.equal(row(s, 'KeyringMode').description, 'kept private');
  assert.equal(row(s, 'KeyringMode').weight, 1000);
  // Excluding all but UMask= (badness 5 of 10) leaves an exposure of exactly 5.0.
  const onlyUmask = policyFromJson(Object.fromEntries(SECURITY_CHECKS.filter((c) => c.jsonField !== 'UMask').map((c) => [c.jsonField, { weight: 0 }])));
  const u = scoreOf('', { policy: onlyUmask });
  assert.equal(formatTenths(u.exposure), '5.0');
  assert.equal(u.level, 'MEDIUM');
  // The bad text is picked when the badness equals the built-in range, whatever the policy says.
  const bad = scoreOf('KeyringMode=shared', { policy: policyFromJson({ KeyringMode: { range: 2, description_bad: 'shared!' } }) });
  assert.equal(row(bad, 'KeyringMode').description, 'shared!');
});

test('rows sort by description descending, then name; a row without description keeps its place by insertion', () => {
  const rows = sortedRows(scoreOf('ProtectProc=noaccess').rows);
  const described = rows.filter((r) => r.description !== null);
  for (let i = 1; i < described.length; i++) {
    const a = described[i - 1]!;
    const b = described[i]!;
    assert.ok(a.description! > b.description! || (a.description === b.description && a.check.id < b.check.id), `${a.check.id} before ${b.check.id}`);
  }
  // Where systemd 252.39 puts it for this unit (checked against systemd-analyze by the kernel test).
  assert.equal(rows.findIndex((r) => r.check.jsonField === 'ProtectProc'), 79);
});

test('the JSON rows carry set, name, json_field, description and exposure in that order', () => {
  const json = JSON.parse(formatSecurityJson(scoreOf(''), 'short')) as Record<string, unknown>[];
  assert.equal(json.length, 81);
  assert.deepEqual(Object.keys(json[0]!), ['set', 'name', 'json_field', 'description', 'exposure']);
  assert.match(formatSecurityJson(scoreOf(''), 'pretty'), /^\[\n\t\{\n\t\t"set" : /);
  assert.match(formatSecurityTable(scoreOf('')), /\n→ Overall exposure level for test\.service: 9\.6 UNSAFE 😨\n$/);
});
