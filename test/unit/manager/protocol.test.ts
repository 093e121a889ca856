// The control API's paths and the daemon's directories, without root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { API, parseUnitPath } from '../../../src/manager/protocol.js';
import { controlSocketPath, managerPaths } from '../../../src/manager/paths.js';
import { ago } from '../../../src/cli/systemctl/inspect.js';

test('unit paths round-trip, names with escapes included', () => {
  assert.deepEqual(parseUnitPath(API.job('foo@a\\x2db.service', 'start')), { name: 'foo@a\\x2db.service', what: 'start' });
  assert.deepEqual(parseUnitPath(API.unit('foobar.service')), { name: 'foobar.service' });
  assert.deepEqual(parseUnitPath(API.unitFiles('x.service')), { name: 'x.service', what: 'files' });
  assert.equal(parseUnitPath('/v1/units/'), undefined);
  assert.equal(parseUnitPath('/v1/units/a/b/c'), undefined);
  assert.equal(parseUnitPath('/v1/units/%E0%A4%A'), undefined, 'a broken escape is no unit');
});

test('directories: options, then environment, then /run/nsbox and /var/lib/nsbox', () => {
  assert.deepEqual(managerPaths({}, {}), { runtimeDir: '/run/nsbox', stateDir: '/var/lib/nsbox' });
  assert.deepEqual(managerPaths({}, { NSBOX_RUNTIME_DIR: '/tmp/r', NSBOX_STATE_DIR: '/tmp/s' }), { runtimeDir: '/tmp/r', stateDir: '/tmp/s' });
  assert.deepEqual(managerPaths({ runtimeDir: '/o' }, { NSBOX_RUNTIME_DIR: '/tmp/r', NSBOX_STATE_DIR: '' }), { runtimeDir: '/o', stateDir: '/var/lib/nsbox' });
  assert.equal(controlSocketPath('/run/nsbox'), '/run/nsbox/manager.sock');
});

test('status\'s relative time, as systemd words it', () => {
  const s = 1_000_000;
  assert.equal(ago(0, 0), '0s ago');
  assert.equal(ago(0, 5 * s), '5s ago');
  assert.equal(ago(0, 63 * s), '1min 3s ago');
  assert.equal(ago(0, (2 * 3600 + 5 * 60 + 7) * s), '2h 5min ago');
  assert.equal(ago(0, 3 * 86400 * s), '3 days ago');
});
