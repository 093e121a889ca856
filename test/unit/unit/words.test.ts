import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cunescape, splitWords } from '../../../src/unit/words.js';

test('splitWords() splits on whitespace and removes quotes anywhere in a word', () => {
  assert.deepEqual(splitWords(`a "b c" 'd e' f"g h"i ""`, { unquote: true }), ['a', 'b c', 'd e', 'fg hi', '']);
});

test('splitWords() decodes C escapes including \\x, octal, \\u and \\s', () => {
  assert.deepEqual(splitWords('\\x41\\101\\u00e9 a\\sb "\\t"', { unquote: true, cunescape: true }), ['AAé', 'a b', '\t']);
});

test('splitWords() takes the escaped char literally without cunescape', () => {
  assert.deepEqual(splitWords('a\\ b c\\"d', { unquote: true }), ['a b', 'c"d']);
});

test('splitWords() fails on unbalanced quotes and unknown escapes unless relaxed', () => {
  assert.throws(() => splitWords('"abc', { unquote: true }));
  assert.throws(() => splitWords('x\\;y', { cunescape: true }));
  assert.deepEqual(splitWords('x\\;y', { cunescape: true, relax: true }), ['x\\;y']);
});

test('cunescape() refuses NUL', () => {
  assert.throws(() => cunescape('\\x00'));
  assert.equal(cunescape('a\\nb'), 'a\nb');
});
