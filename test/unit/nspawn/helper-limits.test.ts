// The helper's limits checked where a container's plan is made: options one over a limit fail
// naming the option and the limit; at the limit the plan encodes (the helper runs such plans:
// test/native/helper-wire.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { planNspawn } from '../../../src/nspawn/plan.js';
import { minimalFacts } from './plan-facts.js';
import { encodePlan } from '../../../src/plan/wire.js';
import { WireLimit } from '../../../src/plan/wire-layout.js';

const facts = minimalFacts;

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const plan = (args: readonly string[]) => planNspawn(parseNspawnArgs(['-D', '/srv/deb', ...args]), facts()).plan;

test('--overlay= with host upper layers: each adds a cleanup step; one past MAX_CLEANUP fails naming --overlay', () => {
  const overlays = (n: number) => times(n, (i) => `--overlay=/l${i}:/u${i}:/o${i}`);
  const own = plan([]).supervisor!.cleanup!.length;
  const fits = WireLimit.MAX_CLEANUP - own;
  assert.equal(plan(overlays(fits)).supervisor!.cleanup!.length, WireLimit.MAX_CLEANUP);
  assert.ok(encodePlan(plan(overlays(fits))).length > 0);
  assert.throws(() => plan(overlays(fits + 1)), (e: Error & { option?: string }) => e.option === '--overlay' && /MAX_CLEANUP \(16\)/.test(e.message));
});

test('--overlay= with more than MAX_OVERLAY_LAYERS lower layers fails naming --overlay', () => {
  const spec = (n: number) => `--overlay-ro=${times(n, (i) => `/l${i}`).join(':')}:/u:/o`;
  const lowers = (n: number) => plan([spec(n)]).ops.flatMap((op) => (op.kind === 'overlay' ? [op.lower.length] : []));
  const atLimit = WireLimit.MAX_OVERLAY_LAYERS - 1; // --overlay-ro= makes its upper one more lower layer
  assert.deepEqual(lowers(atLimit), [WireLimit.MAX_OVERLAY_LAYERS]);
  assert.throws(() => plan([spec(atLimit + 1)]), (e: Error & { option?: string }) => e.option === '--overlay' && /MAX_OVERLAY_LAYERS/.test(e.message));
});

test('--setenv= past MAX_FIELDS variables fails naming --setenv', () => {
  const base = plan([]).process.env.length;
  const setenv = (n: number) => times(n, (i) => `--setenv=V${i}=1`);
  assert.equal(plan(setenv(WireLimit.MAX_FIELDS - base)).process.env.length, WireLimit.MAX_FIELDS);
  assert.throws(() => plan(setenv(WireLimit.MAX_FIELDS - base + 1)), (e: Error & { option?: string }) => e.option === '--setenv' && /MAX_FIELDS/.test(e.message));
});
