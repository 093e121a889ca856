import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../../../src/cli/table.js';
import { formatBytes } from '../../../src/cli/machinectl-images.js';

test('columns align to the widest cell, the last one unpadded, the header only with the legend', () => {
  const rows = [['a', 'long-value', 'x'], ['bbb', 'v', '']];
  assert.equal(formatTable(['NAME', 'VALUE', 'LAST'], rows, true), 'NAME VALUE      LAST\na    long-value x\nbbb  v\n');
  assert.equal(formatTable(['NAME', 'VALUE', 'LAST'], rows, false), 'a   long-value x\nbbb v\n');
});

test('byte sizes as systemd prints them: one truncated decimal from 1K up', () => {
  assert.deepEqual([0, 512, 1024, 1536, 65536, 1048575, 5 * 1024 ** 3].map(formatBytes), ['0B', '512B', '1.0K', '1.5K', '64.0K', '1023.9K', '5.0G']);
});

test('a column named in `right` aligns right (list-jobs\' JOB), even when it comes first', () => {
  assert.equal(formatTable(['JOB', 'UNIT'], [['7', 'a.service'], ['123', 'b.service']], true, new Set([0])), 'JOB UNIT\n  7 a.service\n123 b.service\n');
});
