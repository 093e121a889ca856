// Where NAME.nspawn is looked for, on a temporary search path: never the real /etc/systemd/nspawn
// or /run/systemd/nspawn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyNspawnSettings, findSettingsFile } from '../../../src/machines/settings-files.js';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';

let top: string;
let etc: string;
let run: string;
let machines: string;
before(() => {
  top = mkdtempSync(join(tmpdir(), 'nsbox-settings-'));
  [etc, run, machines] = ['etc', 'run', 'machines'].map((d) => join(top, d)) as [string, string, string];
  for (const d of [etc, run, join(machines, 'box'), join(machines, 'other')]) mkdirSync(d, { recursive: true });
});
after(() => rmSync(top, { recursive: true, force: true }));

test('findSettingsFile(): next to the tree (DIR/../NAME.nspawn) when no admin directory has it, untrusted', () => {
  writeFileSync(join(machines, 'box.nspawn'), '[Exec]\nHostname=next\n');
  assert.deepEqual(findSettingsFile('box', join(machines, 'box'), [etc, run]), {
    path: join(machines, 'box.nspawn'), text: '[Exec]\nHostname=next\n', inSearchPath: false,
  });
  assert.equal(findSettingsFile('nothing', join(machines, 'box'), [etc, run]), undefined);
  assert.equal(findSettingsFile('box', '/', [etc, run]), undefined, 'a tree at / has nothing next to it');
});

test('findSettingsFile(): the admin directories first, in order, and the first file found hides the rest', () => {
  writeFileSync(join(run, 'box.nspawn'), '[Exec]\nHostname=run\n');
  assert.equal(findSettingsFile('box', join(machines, 'box'), [etc, run])?.path, join(run, 'box.nspawn'));
  writeFileSync(join(etc, 'box.nspawn'), '[Exec]\nHostname=etc\n');
  const found = findSettingsFile('box', join(machines, 'box'), [etc, run]);
  assert.equal(found?.path, join(etc, 'box.nspawn'));
  assert.equal(found?.inSearchPath, true);
  rmSync(join(etc, 'box.nspawn'));
  rmSync(join(run, 'box.nspawn'));
});

test('findSettingsFile(): a file that is there but cannot be read is an error, not "no file"', () => {
  mkdirSync(join(etc, 'odd.nspawn'));
  assert.throws(() => findSettingsFile('odd', join(machines, 'odd'), [etc, run]), { code: 'NSPAWN_SETTINGS', file: join(etc, 'odd.nspawn') });
  rmSync(join(etc, 'odd.nspawn'), { recursive: true });
});

test('applyNspawnSettings(): the file is named after the machine (-M), trusted only in an admin directory', () => {
  writeFileSync(join(machines, 'other.nspawn'), '[Exec]\nHostname=other\nCapability=CAP_SYSLOG\n');
  const named = applyNspawnSettings(parseNspawnArgs(['-D', join(machines, 'box'), '-M', 'other']), [etc, run]);
  assert.equal(named.options.hostname, 'other');
  assert.deepEqual(named.warnings, [`Ignoring Capability= setting, file ${join(machines, 'other.nspawn')} is not trusted.`]);

  writeFileSync(join(run, 'other.nspawn'), '[Exec]\nHostname=admin\nCapability=CAP_SYSLOG\n');
  const admin = applyNspawnSettings(parseNspawnArgs(['-D', join(machines, 'box'), '-M', 'other']), [etc, run]);
  assert.equal(admin.options.hostname, 'admin');
  assert.deepEqual(admin.warnings, []);
  rmSync(join(run, 'other.nspawn'));
});

test('applyNspawnSettings(): --settings=no reads nothing, not even a broken file', () => {
  writeFileSync(join(machines, 'box.nspawn'), '[Exec\n');
  const options = parseNspawnArgs(['-D', join(machines, 'box'), '--settings=no']);
  assert.deepEqual(applyNspawnSettings(options, [etc, run]), { options, warnings: [] });
  assert.throws(() => applyNspawnSettings(parseNspawnArgs(['-D', join(machines, 'box')]), [etc, run]), { code: 'NSPAWN_SETTINGS', line: 1 });
});
