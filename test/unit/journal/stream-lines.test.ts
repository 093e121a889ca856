// A service's output split into journal lines as journald does it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINE_MAX, flushStream, splitStream } from '../../../src/journal/stream-lines.js';

test('lines with <N> prefixes take that priority; others the default (info)', () => {
  const r = splitStream('', '<3>broken\nplain\n<9>not a level\npart');
  assert.deepEqual(r.lines, [
    { priority: 3, message: 'broken' }, { priority: 6, message: 'plain' }, { priority: 6, message: '<9>not a level' },
  ]);
  assert.equal(r.rest, 'part');
  assert.deepEqual(splitStream(r.rest, 'ial\n').lines, [{ priority: 6, message: 'partial' }]);
});

test('SyslogLevelPrefix=no keeps the prefix; SyslogLevel= sets the default', () => {
  assert.deepEqual(splitStream('', '<3>x\n', { defaultPriority: 4, levelPrefix: false }).lines, [{ priority: 4, message: '<3>x' }]);
});

test('a line over LineMax= becomes several entries; the unfinished tail comes out at the end', () => {
  const long = 'a'.repeat(LINE_MAX + 10);
  const r = splitStream('', `${long}\n`);
  assert.deepEqual(r.lines.map((l) => l.message.length), [LINE_MAX, 10]);
  assert.deepEqual(flushStream('tail'), [{ priority: 6, message: 'tail' }]);
  assert.deepEqual(flushStream(''), []);
});
