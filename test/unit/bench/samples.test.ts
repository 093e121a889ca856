import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundRobin } from '../../../bench/samples.js';
import type { Runner } from '../../../bench/runners.js';

const slot = { tree: '/t', cgroup: { dirs: ['/c'], remove: () => {} } };

test('roundRobin() alternates tools each iteration after the warm-up, timing only the iterations', async () => {
  const calls: string[] = [];
  const runner = (tool: string): Runner => ({ tool, once: async () => void calls.push(tool) });
  const result = await roundRobin([runner('a'), runner('b')], slot, 3, 1, () => {});
  assert.deepEqual(calls, ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
  assert.deepEqual(result.map((r) => [r.tool, r.samplesMs.length]), [['a', 3], ['b', 3]]);
});

test('roundRobin() stops a failing tool, keeps its first error and runs the others on', async () => {
  let failing = 0;
  const bad: Runner = { tool: 'bad', once: async () => { failing++; throw new Error(`boom ${failing}`); } };
  const good: Runner = { tool: 'good', once: async () => {} };
  const [badResult, goodResult] = await roundRobin([bad, good], slot, 5, 0, () => {});
  assert.equal(failing, 1);
  assert.deepEqual(badResult, { tool: 'bad', samplesMs: [], error: 'boom 1' });
  assert.equal(goodResult?.samplesMs.length, 5);
});
