import { test } from 'node:test';
import assert from 'node:assert/strict';
import { select } from '../../../bench/select.js';

const CASES = [
  { name: 'spawn /bin/true', byDefault: true },
  { name: 'throughput', byDefault: true },
  { name: 'boot+poweroff debian', byDefault: false },
];
const TOOLS = ['nsbox', 'nsbox (payload-is-pid1)', 'bwrap', 'systemd-nspawn'];

test('select() without --only runs the default cases with every tool', () => {
  const s = select([], CASES, TOOLS);
  assert.deepEqual(s.cases, ['spawn /bin/true', 'throughput']);
  assert.deepEqual(TOOLS.filter(s.tool), TOOLS);
});

test('select() runs an off-by-default case only when named, with every tool', () => {
  const s = select(['boot'], CASES, TOOLS);
  assert.deepEqual(s.cases, ['boot+poweroff debian']);
  assert.deepEqual(TOOLS.filter(s.tool), TOOLS);
  assert.equal(s.tool('nsbox nspawn'), true);
});

test('select() narrows tools by substring and cases independently', () => {
  const s = select(['nsbox', 'throughput'], CASES, TOOLS);
  assert.deepEqual(s.cases, ['throughput']);
  assert.deepEqual(TOOLS.filter(s.tool), ['nsbox', 'nsbox (payload-is-pid1)']);
});
