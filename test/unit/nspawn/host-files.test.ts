// --resolv-conf= and --timezone= (and ResolvConf=, Timezone=): the modes nsbox applies, the ones it
// refuses by name, and the ops each gives for a tree's /etc/resolv.conf and /etc/localtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { localtimeOps, resolvConfOps } from '../../../src/nspawn/host-files.js';
import { applySettingsFile } from '../../../src/nspawn/settings-file.js';
import type { HostFacts, TreeFacts } from '../../../src/nspawn/facts.js';

const HOST_RESOLV = new TextEncoder().encode('nameserver 10.0.0.1\n');
const host: HostFacts = {
  boundingSet: [], osRelease: {}, nofileHard: 1024, memTotalBytes: 2 ** 30, stdinIsTty: false, stdoutIsTty: false, env: {},
  resolvConf: HOST_RESOLV, resolvConfPath: '/etc/resolv.conf', timezone: { file: '/usr/share/zoneinfo/Etc/UTC', name: 'Etc/UTC' },
};
const tree = (present: readonly string[], localtime: TreeFacts['localtime'] = { kind: 'missing' }): TreeFacts => ({ directory: '/t', present: new Set(['/', '/etc', ...present]), localtime });
const bind = (source: string, target: string) => ({ kind: 'bind', source: { in: 'host', path: source }, target: { in: 'root', path: target }, recursive: false, flags: { readOnly: true, nosuid: true, nodev: true }, optional: true, create: 'file' });
const copy = { kind: 'write-file', path: { in: 'root', path: '/etc/resolv.conf' }, content: HOST_RESOLV, mode: 0o644 };
const resolv = (mode: Parameters<typeof resolvConfOps>[2]['resolvConf'], t = tree([]), more: { readOnly?: boolean; privateNetwork?: boolean } = {}) =>
  resolvConfOps(host, t, { readOnly: more.readOnly ?? false, privateNetwork: more.privateNetwork ?? false, resolvConf: mode });

test('--resolv-conf: nspawn\'s modes; those needing files or an unlink nsbox lacks are refused by name, unknown ones are usage errors', () => {
  for (const m of ['off', 'auto', 'copy-host', 'bind-host', 'bind-static', 'bind-uplink', 'bind-stub'] as const) {
    assert.equal(parseNspawnArgs(['-D', '/t', `--resolv-conf=${m}`]).resolvConf, m);
  }
  assert.equal(parseNspawnArgs(['-D', '/t']).resolvConf, 'auto');
  for (const m of ['copy-static', 'copy-uplink', 'copy-stub', 'replace-host', 'replace-static', 'replace-uplink', 'replace-stub', 'delete']) {
    assert.throws(() => parseNspawnArgs(['-D', '/t', `--resolv-conf=${m}`]), { code: 'NSPAWN_UNSUPPORTED', message: `--resolv-conf=${m} is not supported yet` });
  }
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--resolv-conf=bogus']), { code: 'NSPAWN_USAGE', option: '--resolv-conf' });
  assert.ok(parseNspawnArgs(['-D', '/t', '--resolv-conf=off']).fixedByCommandLine.includes('resolv-conf'));
});

test('--timezone: off, auto and bind; copy, symlink and delete refused by name', () => {
  for (const m of ['off', 'auto', 'bind'] as const) assert.equal(parseNspawnArgs(['-D', '/t', `--timezone=${m}`]).timezone, m);
  for (const m of ['copy', 'symlink', 'delete']) {
    assert.throws(() => parseNspawnArgs(['-D', '/t', `--timezone=${m}`]), { code: 'NSPAWN_UNSUPPORTED', message: `--timezone=${m} is not supported yet` });
  }
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--timezone=UTC']), { code: 'NSPAWN_USAGE', option: '--timezone' });
});

test('resolvConfOps(): off nothing; copy-host writes the host\'s bytes (also with a private network, never into a read-only tree)', () => {
  assert.deepEqual(resolv('off', tree(['/etc/resolv.conf'])), []);
  assert.deepEqual(resolv('copy-host'), [copy]);
  assert.deepEqual(resolv('copy-host', tree([]), { privateNetwork: true }), [copy]);
  assert.deepEqual(resolv('copy-host', tree(['/etc/resolv.conf']), { readOnly: true }), []);
  assert.deepEqual(resolv('copy-host', { ...tree([]), present: new Set(['/']) }), [], 'no /etc: nothing to copy into');
});

test('resolvConfOps(): bind-* bind the host\'s or resolved\'s file read-only; a read-only tree needs the file to be there', () => {
  assert.deepEqual(resolv('bind-host'), [bind('/etc/resolv.conf', '/etc/resolv.conf')]);
  assert.deepEqual(resolv('bind-static'), [bind('/usr/lib/systemd/resolv.conf', '/etc/resolv.conf')]);
  assert.deepEqual(resolv('bind-uplink'), [bind('/run/systemd/resolve/resolv.conf', '/etc/resolv.conf')]);
  assert.deepEqual(resolv('bind-stub', tree(['/etc/resolv.conf']), { readOnly: true }), [bind('/run/systemd/resolve/stub-resolv.conf', '/etc/resolv.conf')]);
  assert.deepEqual(resolv('bind-stub', tree([]), { readOnly: true }), []);
});

test('resolvConfOps(): auto copies into a writable tree, binds over a read-only tree\'s file, leaves a private network alone', () => {
  assert.deepEqual(resolv('auto'), [copy]);
  assert.deepEqual(resolv('auto', tree(['/etc/resolv.conf']), { readOnly: true }), [bind('/etc/resolv.conf', '/etc/resolv.conf')]);
  assert.deepEqual(resolv('auto', tree([]), { readOnly: true }), []);
  assert.deepEqual(resolv('auto', tree([]), { privateNetwork: true }), []);
});

test('resolvConfOps(): a symlinked /etc/resolv.conf is left alone: never copied or bound through', () => {
  const linked: TreeFacts = { ...tree(['/etc/resolv.conf']), symlinks: new Set(['/etc/resolv.conf']) };
  for (const m of ['auto', 'copy-host', 'bind-host', 'bind-static', 'bind-uplink', 'bind-stub'] as const) assert.deepEqual(resolv(m, linked), [], m);
  assert.deepEqual(resolv('auto', linked, { readOnly: true }), []);
  assert.deepEqual(resolv('auto', tree(['/etc/resolv.conf'])), [copy], 'a plain file is still replaced');
});

test('localtimeOps(): bind goes over a file, a missing one or through a symlink; auto leaves symlinks; off nothing', () => {
  const zone = bind('/usr/share/zoneinfo/Etc/UTC', '/etc/localtime');
  const link = { kind: 'symlink', target: '../usr/share/zoneinfo/Europe/Berlin' } as const;
  const lt = (timezone: 'off' | 'auto' | 'bind', t: TreeFacts, readOnly = false) => localtimeOps(host, t, { readOnly, timezone });
  assert.deepEqual(lt('bind', tree([])), [zone]);
  assert.deepEqual(lt('bind', tree([], { kind: 'file' })), [zone]);
  assert.deepEqual(lt('bind', tree([], link)), [zone]);
  assert.deepEqual(lt('bind', tree([]), true), [], 'no room for a mount point in a read-only tree');
  assert.deepEqual(lt('bind', tree([], { kind: 'file' }), true), [zone]);
  assert.deepEqual(lt('auto', tree([], link)), []);
  assert.deepEqual(lt('auto', tree([], { kind: 'file' })), [zone]);
  assert.deepEqual(lt('off', tree([], { kind: 'file' })), []);
  const { timezone: _, ...noZone } = host;
  assert.deepEqual(localtimeOps(noZone, tree([]), { readOnly: false, timezone: 'bind' }), []);
});

test('ResolvConf= and Timezone=: not privileged; bad values ignored with nspawn\'s warnings; modes nsbox lacks refused', () => {
  const FILE = '/var/lib/machines/box.nspawn';
  const cli = (...a: string[]) => parseNspawnArgs(['-D', '/var/lib/machines/box', ...a]);
  const apply = (text: string, options = cli(), trusted = false) => applySettingsFile(options, text, FILE, { trusted, override: false });
  const { options, warnings } = apply('[Exec]\nResolvConf=off\nTimezone=bind\nResolvConf=bogus\nTimezone=\n');
  assert.deepEqual([options.resolvConf, options.timezone], ['off', 'bind']);
  assert.deepEqual(warnings, [`${FILE}:4: Failed to parse resolv.conf mode, ignoring: bogus`, `${FILE}:5: Failed to parse timezone mode, ignoring: `]);
  assert.deepEqual(apply('[Exec]\nResolvConf=off\nTimezone=off\n', cli('--resolv-conf=copy-host')).options.resolvConf, 'copy-host');
  assert.throws(() => apply('[Exec]\nTimezone=symlink\n'), { code: 'NSPAWN_SETTINGS', message: `${FILE}:2: Timezone=symlink is not supported yet (--timezone)` });
  assert.throws(() => apply('[Exec]\nResolvConf=delete\n'), { code: 'NSPAWN_SETTINGS', key: 'ResolvConf' });
  assert.doesNotThrow(() => apply('[Exec]\nResolvConf=delete\n', cli('--resolv-conf=off')), 'masked by the command line');
});
