// newUuid() reads /dev/urandom itself (node:crypto is too slow to load on every container start):
// check it still makes what systemd expects of container_uuid, a version-4 UUID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newUuid } from '../../../src/machines/facts.js';

test('newUuid() makes distinct version-4, RFC 4122 variant UUIDs', () => {
  const ids = Array.from({ length: 200 }, newUuid);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
});
