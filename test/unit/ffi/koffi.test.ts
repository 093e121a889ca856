import { test } from 'node:test';
import assert from 'node:assert/strict';
import { koffi } from '../../../src/ffi/koffi.js';

test('koffi() loads once and calls into libc', () => {
  const first = koffi();
  assert.equal(koffi(), first);
  const getpid = first.load('libc.so.6').func('int getpid()') as () => number;
  assert.equal(getpid(), process.pid);
});
