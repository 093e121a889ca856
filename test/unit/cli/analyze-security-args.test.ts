import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSecurityArgs, SecurityUsageError } from '../../../src/cli/analyze-security-args.js';
import { hostGlyphs } from '../../../src/cli/analyze-security.js';

test('parseSecurityArgs() takes systemd-analyze\'s options in both --opt=value and --opt value forms', () => {
  const a = parseSecurityArgs(['--offline=yes', '--root', '/srv/tree', '--threshold=50', '--json=short', '--profile=strict', 'a.service', 'b.service']);
  assert.deepEqual(a, { offline: true, threshold: 50, json: 'short', explain: false, suggest: false, operands: ['a.service', 'b.service'], root: '/srv/tree', profile: 'strict' });
  assert.equal(parseSecurityArgs([]).offline, false);
  assert.equal(parseSecurityArgs([]).threshold, 100);
  assert.equal(parseSecurityArgs(['--suggest', '--write']).write, true);
  assert.equal(parseSecurityArgs(['--suggest', '--write=/tmp/x.conf']).write, '/tmp/x.conf');
});

test('parseSecurityArgs() refuses what systemd-analyze refuses, and text advice with JSON', () => {
  for (const bad of [['--offline=maybe'], ['--threshold=101'], ['--threshold=-1'], ['--json=long'], ['--root='], ['--write'], ['--json=short', '--explain'], ['--frobnicate'], ['-x']]) {
    assert.throws(() => parseSecurityArgs(bad), SecurityUsageError, bad.join(' '));
  }
});

test('hostGlyphs() follows systemd: UTF-8 unless a non-UTF-8 locale is set, emoji only with a capable TERM', () => {
  assert.deepEqual(hostGlyphs({}), { utf8: true, emoji: false });
  assert.deepEqual(hostGlyphs({ LANG: 'C.UTF-8', TERM: 'xterm' }), { utf8: true, emoji: true });
  assert.deepEqual(hostGlyphs({ LANG: 'C.UTF-8', TERM: 'linux' }), { utf8: true, emoji: false });
  assert.deepEqual(hostGlyphs({ LANG: 'C', TERM: 'xterm' }), { utf8: false, emoji: false });
  assert.deepEqual(hostGlyphs({ LANG: 'de_DE.UTF-8', LC_ALL: 'POSIX', TERM: 'xterm' }), { utf8: false, emoji: false });
  assert.deepEqual(hostGlyphs({ LANG: 'C', SYSTEMD_UTF8: '1', SYSTEMD_EMOJI: 'yes' }), { utf8: true, emoji: true });
});
