import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderWireHeader } from '../../../src/plan/wire-header.js';

test('native/wire_ids.h equals what wire-ids.ts renders (run tools/gen-wire-header.mjs)', () => {
  const committed = readFileSync(new URL('../../../../native/wire_ids.h', import.meta.url), 'utf8');
  assert.equal(committed, renderWireHeader());
});
