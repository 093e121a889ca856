import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs, parseBindSpec, splitColons, OPTIONS, UNSUPPORTED_OPTIONS, helpText } from '../../../src/nspawn/options.js';
import { capabilityNumber } from '../../../src/plan/capabilities.js';

test('parseNspawnArgs() stops at the first non-option, so the command keeps its own flags', () => {
  const o = parseNspawnArgs(['-D', '/t', '-q', 'ls', '-l', '--boot']);
  assert.equal(o.directory, '/t');
  assert.equal(o.quiet, true);
  assert.equal(o.boot, false);
  assert.deepEqual(o.command, ['ls', '-l', '--boot']);
});

test('parseNspawnArgs() takes --name=value, --name value, -Xvalue and clustered flags', () => {
  const o = parseNspawnArgs(['--directory=/t', '--machine', 'box', '-bq', '-Eа=1'.replace('а', 'A')]);
  assert.equal(o.directory, '/t');
  assert.equal(o.machine, 'box');
  assert.equal(o.boot, true);
  assert.equal(o.quiet, true);
  assert.deepEqual(o.setenv, ['A=1']);
});

test('-- ends the options', () => {
  assert.deepEqual(parseNspawnArgs(['-D', '/t', '--', '-b']).command, ['-b']);
});

test('an option nspawn has and nsbox lacks is refused by name, never ignored', () => {
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--network-veth']), { code: 'NSPAWN_UNSUPPORTED', message: '--network-veth is not supported yet' });
  assert.throws(() => parseNspawnArgs(['-D', '/t', '-n']), { code: 'NSPAWN_UNSUPPORTED', message: '-n/--network-veth is not supported yet' });
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--bind=/a:/b:idmap']), { code: 'NSPAWN_UNSUPPORTED' });
});

test('an unknown option or a missing argument is a usage error', () => {
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--frobnicate']), { code: 'NSPAWN_USAGE', option: '--frobnicate' });
  assert.throws(() => parseNspawnArgs(['-D']), { code: 'NSPAWN_USAGE', message: '-D: requires an argument' });
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--boot=yes']), { code: 'NSPAWN_USAGE' });
  assert.throws(() => parseNspawnArgs(['-q']), { code: 'NSPAWN_USAGE', option: '--directory' });
});

test('conflicting options are refused as nspawn refuses them', () => {
  assert.throws(() => parseNspawnArgs(['-D', '/t', '-b', '-a']), { code: 'NSPAWN_USAGE' });
  assert.throws(() => parseNspawnArgs(['-D', '/t', '-b', '-u', 'x']), { code: 'NSPAWN_USAGE' });
  assert.throws(() => parseNspawnArgs(['-D', '/t', '-x', '--read-only']), { code: 'NSPAWN_USAGE' });
});

test('-M alone names an image; machine names must be hostnames', () => {
  assert.equal(parseNspawnArgs(['-M', 'deb']).machine, 'deb');
  assert.throws(() => parseNspawnArgs(['-M', '../etc']), { code: 'NSPAWN_USAGE' });
  assert.throws(() => parseNspawnArgs(['-M', 'a/b']), { code: 'NSPAWN_USAGE' });
});

test('--bind: SRC, SRC:DST, SRC:DST:norbind, + for a path in the tree, \\: for a colon', () => {
  assert.deepEqual(parseBindSpec('--bind', '/srv', false), { source: '/srv', sourceInTree: false, target: '/srv', readOnly: false, recursive: true });
  assert.deepEqual(parseBindSpec('--bind-ro', '/a:/b:norbind', true), { source: '/a', sourceInTree: false, target: '/b', readOnly: true, recursive: false });
  assert.equal(parseBindSpec('--bind', '+/var/x:/y', false).sourceInTree, true);
  assert.deepEqual(splitColons('/a\\:b:/c'), ['/a:b', '/c']);
  assert.throws(() => parseBindSpec('--bind', 'rel:/x', false), { code: 'NSPAWN_USAGE' });
});

test('--tmpfs: PATH with tmpfs options, defaults mode=0755,nodev', () => {
  const o = parseNspawnArgs(['-D', '/t', '--tmpfs=/scratch', '--tmpfs=/big:mode=1777,size=1M']);
  assert.deepEqual(o.tmpfs[0], { target: '/scratch', options: { mode: 0o755, readOnly: false, nosuid: false, nodev: true, noexec: false } });
  assert.equal(o.tmpfs[1]?.options.mode, 0o1777);
  assert.equal(o.tmpfs[1]?.options.sizeBytes, 1024 * 1024);
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--tmpfs=/x:huge=always']), { code: 'NSPAWN_USAGE' });
});

test('--capability and --drop-capability take lists and "all"', () => {
  const o = parseNspawnArgs(['-D', '/t', '--capability=CAP_NET_ADMIN,sys_time', '--drop-capability=all']);
  assert.deepEqual(o.capability, [[capabilityNumber('NET_ADMIN'), capabilityNumber('SYS_TIME')]]);
  assert.deepEqual(o.dropCapability, ['all']);
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--capability=CAP_FLY']), { code: 'NSPAWN_USAGE' });
});

test('--kill-signal, --console, -P, --register and --keep-unit', () => {
  const o = parseNspawnArgs(['-D', '/t', '--kill-signal=SIGRTMIN+3', '--console=read-only', '--register=no', '--keep-unit']);
  assert.equal(o.killSignal, 37);
  assert.equal(o.console, 'read-only');
  assert.equal(o.register, false);
  assert.equal(o.keepUnit, true);
  assert.equal(parseNspawnArgs(['-D', '/t', '-P']).console, 'pipe');
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--console=tty']), { code: 'NSPAWN_USAGE' });
});

test('--volatile[=MODE]: yes (also the option alone), no, state, overlay; a value only with =', () => {
  assert.equal(parseNspawnArgs(['-D', '/t']).volatile, 'no');
  assert.equal(parseNspawnArgs(['-D', '/t', '--volatile=state']).volatile, 'state');
  assert.equal(parseNspawnArgs(['-D', '/t', '--volatile=overlay']).volatile, 'overlay');
  assert.equal(parseNspawnArgs(['-D', '/t', '--volatile=off']).volatile, 'no');
  for (const yes of ['--volatile', '--volatile=yes', '--volatile=1']) assert.equal(parseNspawnArgs(['-D', '/t', yes]).volatile, 'yes', yes);
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--volatile=bogus']), { code: 'NSPAWN_USAGE', option: '--volatile' });
  // An optional argument is never the next word: that stays the command.
  assert.deepEqual(parseNspawnArgs(['-D', '/t', '--volatile', 'state']).command, ['state']);
  assert.ok(parseNspawnArgs(['-D', '/t', '--volatile=state']).fixedByCommandLine.includes('volatile'));
});

test('--set-credential and --load-credential: ID:VALUE with C escapes, ID:PATH; bad names and duplicates refused', () => {
  const o = parseNspawnArgs(['-D', '/t', '--set-credential=token:a\\tb', '--load-credential=key:/etc/key', '--set-credential=colon:x:y']);
  assert.deepEqual(o.credentials, [
    { id: 'token', kind: 'value', value: 'a\tb' }, { id: 'key', kind: 'file', path: '/etc/key' }, { id: 'colon', kind: 'value', value: 'x:y' },
  ]);
  for (const bad of ['--set-credential=novalue', '--set-credential=a/b:x', '--set-credential=..:x', '--load-credential=k:', '--set-credential=e:\\q']) {
    assert.throws(() => parseNspawnArgs(['-D', '/t', bad]), { code: 'NSPAWN_USAGE' }, bad);
  }
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--set-credential=a:1', '--load-credential=a:/x']), { code: 'NSPAWN_USAGE', message: '--load-credential: duplicate credential "a"' });
});

test('--notify-ready takes a boolean and fixes NotifyReady= of a settings file', () => {
  assert.equal(parseNspawnArgs(['-D', '/t']).notifyReady, false);
  const o = parseNspawnArgs(['-D', '/t', '--notify-ready=yes']);
  assert.equal(o.notifyReady, true);
  assert.ok(o.fixedByCommandLine.includes('notify-ready'));
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--notify-ready=maybe']), { code: 'NSPAWN_USAGE' });
});

test('the help text lists every option of the table and no unsupported one is also supported', () => {
  const help = helpText();
  for (const o of OPTIONS) assert.ok(help.includes(o.shortOnly ? `-${o.short} ` : `--${o.long}`), o.long);
  const supported = new Set(OPTIONS.map((o) => o.long));
  assert.deepEqual(UNSUPPORTED_OPTIONS.filter((u) => supported.has(u.long)), []);
});
