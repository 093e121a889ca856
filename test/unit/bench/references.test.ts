import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingPackages } from '../../../bench/references.js';

test('missingPackages() names the package of each missing command, once', () => {
  assert.deepEqual(missingPackages((cmd) => cmd !== 'bwrap' && cmd !== 'systemd-nspawn'), ['bubblewrap', 'systemd-container']);
  assert.deepEqual(missingPackages(() => true), []);
});
