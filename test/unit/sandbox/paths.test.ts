import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathCompare, pathInsideRoot, pathIsUnder, simplifyPath } from '../../../src/sandbox/paths.js';

test('simplifyPath() collapses slashes and dots', () => {
  assert.equal(simplifyPath('//a/./b/'), '/a/b');
  assert.equal(simplifyPath(''), '/');
});

test('pathCompare() puts parents first and /a/b before /ab', () => {
  const sorted = ['/ab', '/a/b', '/a', '/'].sort(pathCompare);
  assert.deepEqual(sorted, ['/', '/a', '/a/b', '/ab']);
});

test('pathIsUnder() is component-wise', () => {
  assert.ok(pathIsUnder('/a/b', '/a'));
  assert.ok(pathIsUnder('/a', '/a'));
  assert.ok(pathIsUnder('/x', '/'));
  assert.ok(!pathIsUnder('/ab', '/a'));
});

test('pathInsideRoot() strips the root', () => {
  assert.equal(pathInsideRoot('/srv/r/etc', '/srv/r'), '/etc');
  assert.equal(pathInsideRoot('/srv/r', '/srv/r'), '/');
});
