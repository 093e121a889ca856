import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeEnvironment, unsetEnvironment, passEnvironment, userEnvironment } from '../../../src/sandbox/environment.js';
import { parseEnvironmentFile } from '../../../src/sandbox/env-file.js';
import { expandArgv, expandWord } from '../../../src/unit/env-expand.js';

test('mergeEnvironment() lets later assignments win', () => {
  assert.deepEqual(mergeEnvironment(['A=1', 'B=2'], ['A=3']), ['A=3', 'B=2']);
});

test('unsetEnvironment() with NAME=VALUE removes only that exact assignment', () => {
  assert.deepEqual(unsetEnvironment(['A=1', 'B=2'], ['A=2', 'B']), ['A=1']);
  assert.deepEqual(unsetEnvironment(['A=1'], ['A=1']), []);
});

test('passEnvironment() skips names the host does not have', () => {
  assert.deepEqual(passEnvironment(['TERM', 'NOPE'], { TERM: 'xterm' }), ['TERM=xterm']);
});

test('userEnvironment() gives nobody USER and LOGNAME but no HOME or SHELL', () => {
  assert.deepEqual(userEnvironment({ userName: 'nobody', home: '/', shell: '/usr/sbin/nologin' }), ['USER=nobody', 'LOGNAME=nobody']);
  assert.deepEqual(userEnvironment({ userName: 'alice', home: '/home/alice', shell: '/bin/sh' }),
    ['HOME=/home/alice', 'USER=alice', 'LOGNAME=alice', 'SHELL=/bin/sh']);
  assert.deepEqual(userEnvironment(undefined), []);
});

test('parseEnvironmentFile() follows the shell-like rules', () => {
  const text = [
    '# comment', '; also comment', '  A = spaced  ', 'B="quoted  \\"x\\" $y"', "C='lit \\n'", 'D=one\\',
    'two', 'E=a"b c"d', 'bad-name=1', 'F=', 'G="multi', 'line"',
  ].join('\n');
  const { assignments, diagnostics } = parseEnvironmentFile(text, 'f');
  assert.deepEqual(assignments, ['A=spaced', 'B=quoted  "x" $y', 'C=lit \\n', 'D=onetwo', 'E=ab cd', 'F=', 'G=multi\nline']);
  assert.equal(diagnostics.length, 1);
});

test('expandWord() turns $$ into $ and substitutes ${VAR} inside a word', () => {
  assert.equal(expandWord('a$${X}b${X}c', ['X=1']), 'a${X}b1c');
  assert.equal(expandWord('x${UNSET}y', []), 'xy');
  assert.equal(expandWord('in$Xword', ['X=1']), 'in$Xword');
});

test('expandArgv() splits a word that is exactly $VAR', () => {
  const env = ['ARGS=-a  -b "c d"', 'ONE=x y'];
  assert.deepEqual(expandArgv(['/bin/echo', '$ARGS', '${ONE}', '$UNSET'], env), ['/bin/echo', '-a', '-b', 'c d', 'x y']);
  assert.deepEqual(expandArgv(['/bin/echo', '$ARGS'], env, true), ['/bin/echo', '$ARGS']);
});
