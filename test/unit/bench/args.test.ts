import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, QUICK, parseArgs } from '../../../bench/args.js';

test('parseArgs() with no arguments gives the defaults', () => {
  assert.deepEqual(parseArgs([]), { ...DEFAULTS, only: [] });
});

test('parseArgs() --quick shortens the run, and an explicit count wins whatever the order', () => {
  const quick = parseArgs(['--iterations', '7', '--quick']);
  assert.ok(!('error' in quick));
  assert.equal(quick.iterations, 7);
  assert.equal(quick.batch, QUICK.batch);
});

test('parseArgs() --json and repeated --only are kept', () => {
  const s = parseArgs(['--json', '--only', 'bwrap', '--only', 'nsbox']);
  assert.ok(!('error' in s));
  assert.equal(s.json, true);
  assert.deepEqual(s.only, ['bwrap', 'nsbox']);
});

test('parseArgs() rejects unknown flags, missing values and non-integers', () => {
  assert.ok('error' in parseArgs(['--fast']));
  assert.ok('error' in parseArgs(['--only']));
  assert.ok('error' in parseArgs(['--concurrency', '0']));
  assert.ok('error' in parseArgs(['--iterations', '2.5']));
});

test('parseArgs() allows --warmup 0', () => {
  const s = parseArgs(['--warmup', '0']);
  assert.ok(!('error' in s));
  assert.equal(s.warmup, 0);
});
