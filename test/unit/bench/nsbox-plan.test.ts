import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trueInTreePlan } from '../../../bench/nsbox-plan.js';
import { encodePlan } from '../../../src/plan/wire.js';

test('trueInTreePlan() mounts proc inside the tree, then switches root, and encodes', () => {
  const plan = trueInTreePlan('/tmp/tree', 'reaper');
  assert.equal(plan.root, '/tmp/tree');
  assert.deepEqual(plan.namespaces, ['mount', 'uts', 'ipc']);
  assert.deepEqual(plan.ops.map((op) => op.kind), ['proc', 'switch-root']);
  assert.deepEqual(plan.process.argv, ['/bin/true']);
  assert.ok(encodePlan(plan).length > 0);
});

test('trueInTreePlan() passes the PID mode through', () => {
  assert.equal(trueInTreePlan('/t', 'payload-is-pid1').pidMode, 'payload-is-pid1');
});
