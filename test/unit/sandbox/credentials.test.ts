import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveCredentials } from '../../../src/sandbox/credentials.js';
import { ExecSetupError } from '../../../src/sandbox/errors.js';
import { emptyDb, userDb } from './helpers.js';

test('resolveCredentials() returns nothing without User=/Group=', () => {
  assert.equal(resolveCredentials({ supplementaryGroups: [] }, userDb), undefined);
});

test('resolveCredentials() synthesizes nobody without a user database', () => {
  const r = resolveCredentials({ user: 'nobody', supplementaryGroups: [] }, emptyDb);
  assert.deepEqual(r?.credentials, { uid: 65534, gid: 65534, supplementaryGroups: [65534] });
});

test('resolveCredentials() adds the passwd group and memberships', () => {
  const r = resolveCredentials({ user: 'alice', supplementaryGroups: ['video'] }, userDb);
  assert.deepEqual(r?.credentials, { uid: 1000, gid: 1000, supplementaryGroups: [1000, 29, 44] });
});

test('resolveCredentials() with Group= does not add the passwd primary group', () => {
  const r = resolveCredentials({ user: 'alice', group: 'video', supplementaryGroups: [] }, userDb);
  assert.deepEqual(r?.credentials, { uid: 1000, gid: 44, supplementaryGroups: [44, 29] });
});

test('resolveCredentials() fails an unknown user with 217/USER and a group with 216/GROUP', () => {
  assert.throws(() => resolveCredentials({ user: 'ghost', supplementaryGroups: [] }, userDb), (e: unknown) => e instanceof ExecSetupError && e.status === 'USER');
  assert.throws(() => resolveCredentials({ group: 'ghosts', supplementaryGroups: [] }, userDb), (e: unknown) => e instanceof ExecSetupError && e.status === 'GROUP');
});

test('resolveCredentials() accepts numeric ids known to the database', () => {
  assert.equal(resolveCredentials({ user: '1000', supplementaryGroups: [] }, userDb)?.user?.name, 'alice');
});
