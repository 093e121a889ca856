// The helper's limits (plan/wire-layout.ts) checked where a service's plan is made: a unit one over
// a limit gets an error naming the settings; one at the limit makes a plan the encoder takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCommand } from '../../../src/sandbox/plan-command.js';
import { encodePlan } from '../../../src/plan/wire.js';
import { WireLimit } from '../../../src/plan/wire-layout.js';
import { cmd, p, settings, userDb } from './helpers.js';

const facts = { userDatabase: userDb, privateTmpDirs: { tmp: '/T/tmp', varTmp: '/T/vt' } };
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const errors = (r: ReturnType<typeof planCommand>) => r.diagnostics.filter((d) => d.level === 'error');

test('ReadWritePaths= below one ReadOnlyPaths= path: MAX_REMOUNT_EXCLUSIONS of them plan, one more is an error naming both', () => {
  const unit = (n: number) => settings({ readOnlyPaths: [p('/srv')], readWritePaths: times(n, (i) => p(`/srv/w${i}`)) });
  const atLimit = planCommand(unit(WireLimit.MAX_REMOUNT_EXCLUSIONS), cmd(['/bin/true']), facts);
  assert.deepEqual(errors(atLimit), []);
  assert.ok(encodePlan(atLimit.plan).length > 0);
  const over = errors(planCommand(unit(WireLimit.MAX_REMOUNT_EXCLUSIONS + 1), cmd(['/bin/true']), facts));
  assert.equal(over.length, 1);
  assert.equal(over[0]!.setting, 'ReadWritePaths=');
  assert.match(over[0]!.message, /17 paths below \/srv \(made read-only by ReadOnlyPaths=\).*MAX_REMOUNT_EXCLUSIONS/);
});

test('ProtectSystem=strict with too many ReadWritePaths= names them and ProtectSystem=', () => {
  const over = errors(planCommand(settings({ protectSystem: 'strict', readWritePaths: times(WireLimit.MAX_REMOUNT_EXCLUSIONS + 1, (i) => p(`/var/w${i}`)) }), cmd(['/bin/true']), facts));
  assert.equal(over.length, 1, JSON.stringify(over));
  assert.match(over[0]!.setting, /ReadWritePaths=/);
  assert.match(over[0]!.message, /ProtectSystem=.*MAX_REMOUNT_EXCLUSIONS/);
});

test('Environment= beyond MAX_FIELDS entries is an error naming Environment=', () => {
  const env = (n: number) => settings({ environment: times(n, (i) => `V${i}=1`) });
  // The manager's PATH= joins the unit's variables.
  assert.deepEqual(errors(planCommand(env(WireLimit.MAX_FIELDS - 1), cmd(['/bin/true']), facts)), []);
  const over = errors(planCommand(env(WireLimit.MAX_FIELDS), cmd(['/bin/true']), facts));
  assert.deepEqual(over.map((d) => d.setting), ['Environment=']);
  assert.match(over[0]!.message, /MAX_FIELDS/);
});

test('ExecStart= with more than MAX_FIELDS arguments is an error naming ExecStart=', () => {
  const over = errors(planCommand(settings(), cmd(['/bin/true', ...times(WireLimit.MAX_FIELDS, String)]), facts));
  assert.deepEqual(over.map((d) => d.setting), ['ExecStart=']);
});
