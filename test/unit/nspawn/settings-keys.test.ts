// .nspawn keys of the options nsbox added after the first settings-file work: Inaccessible=,
// Overlay=, OverlayReadOnly=. The warnings are systemd-nspawn 252's, seen on a busybox tree with
// the same lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs, type NspawnOptions } from '../../../src/nspawn/options.js';
import { applySettingsFile } from '../../../src/nspawn/settings-file.js';

const FILE = '/var/lib/machines/box.nspawn';
const cli = (...args: string[]): NspawnOptions => parseNspawnArgs(['-D', '/var/lib/machines/box', ...args]);
const TRUSTED = { trusted: true, override: false };
const UNTRUSTED = { trusted: false, override: false };
const apply = (text: string, options = cli(), how = TRUSTED) => applySettingsFile(options, text, FILE, how);

test('Inaccessible=, Overlay= and OverlayReadOnly= join the custom mounts; bad ones are ignored with nspawn\'s warnings', () => {
  const { options, warnings } = apply(`[Files]
Inaccessible=/etc/shadow
Inaccessible=srv/file
Overlay=/a:/b:/srv
Overlay=/a
OverlayReadOnly=/a:/b:srv/x
OverlayReadOnly=+/usr:/opt
Inaccessible=
`);
  assert.deepEqual(options.inaccessible, ['/etc/shadow']);
  assert.deepEqual(options.overlays.map((o) => `${o.target} ${o.readOnly ? 'ro' : 'rw'}`), ['/srv rw', '/opt ro']);
  assert.deepEqual(warnings, [
    `${FILE}:3: Invalid inaccessible file system specification srv/file: Invalid argument`,
    `${FILE}:5: Invalid overlay file system specification /a, ignoring: Cannot assign requested address`,
    `${FILE}:6: Invalid overlay file system specification /a:/b:srv/x, ignoring: Invalid argument`,
    `${FILE}:8: Invalid inaccessible file system specification : Invalid argument`,
  ]);
});

test('custom mount keys are privileged and one group: an untrusted file loses them, --bind on the command line drops them', () => {
  const file = '[Files]\nInaccessible=/etc/shadow\nOverlay=+/var::/var\n';
  assert.deepEqual(apply(file, cli(), UNTRUSTED).warnings, [`Ignoring TemporaryFileSystem=, Bind= and BindReadOnly= settings, file ${FILE} is not trusted.`]);
  assert.deepEqual(apply(file, cli(), UNTRUSTED).options.inaccessible, []);
  const masked = apply(file, cli('--bind=/x:/y')).options;
  assert.deepEqual([masked.inaccessible, masked.overlays], [[], []]);
  assert.deepEqual(apply('[Files]\nBind=/x:/y\n', cli('--inaccessible=/z')).options.binds, [], '--inaccessible fixes the group as --bind does');
  // nspawn resolves a relative layer against its own working directory: refused, as a relative Bind= source.
  assert.throws(() => apply('[Files]\nOverlay=lower:/u:/m\n'), { code: 'NSPAWN_SETTINGS', message: `${FILE}:2: Overlay=lower:/u:/m: a relative layer path is not supported yet` });
});
