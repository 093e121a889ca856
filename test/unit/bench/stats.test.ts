import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, p90, percentile } from '../../../bench/stats.js';

test('median() takes the middle sample of an odd count, unsorted input', () => {
  assert.equal(median([5, 1, 3]), 3);
});

test('median() averages the two middle samples of an even count', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('median() of no samples is NaN', () => {
  assert.ok(Number.isNaN(median([])));
});

test('median() does not reorder its input', () => {
  const samples = [3, 1, 2];
  median(samples);
  assert.deepEqual(samples, [3, 1, 2]);
});

test('p90() is the nearest-rank sample: the 9th of 10, the 180th of 200', () => {
  assert.equal(p90([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]), 9);
  assert.equal(p90(Array.from({ length: 200 }, (_, i) => 200 - i)), 180);
});

test('percentile() of one sample is that sample, for any p', () => {
  assert.equal(percentile([7], 1), 7);
  assert.equal(percentile([7], 100), 7);
});

test('percentile() rejects p outside (0, 100]', () => {
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
});
