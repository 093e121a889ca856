// Exec line expansion: one implementation, with systemd 252's replace_env_argv() semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandArgv, expandWord } from '../../../src/unit/env-expand.js';

test('${NAME} names are not checked: a${-x}b gives ab, as systemd does', () => {
  assert.equal(expandWord('a${-x}b', ['X=1']), 'ab');
  assert.equal(expandWord('a${X}b', ['X=1']), 'a1b');
});

test('an unclosed ${ and a lone $ stay as written; $$ is a $', () => {
  assert.equal(expandWord('a${X', ['X=1']), 'a${X');
  assert.equal(expandWord('cost $5 $$', []), 'cost $5 $');
});

test('$NAME alone splits the value with quotes removed, or vanishes when unset', () => {
  assert.deepEqual(expandArgv(['/bin/echo', '$A', '$-x', '${A}'], ['A=one "two three"']), ['/bin/echo', 'one', 'two three', 'one "two three"']);
  assert.deepEqual(expandArgv(['/bin/echo', '$A'], new Map([['A', 'x y']])), ['/bin/echo', 'x', 'y']);
  assert.deepEqual(expandArgv(['/bin/echo', '$A'], { A: 'z' }), ['/bin/echo', 'z']);
});

test('the last assignment of a name wins; `:` (noExpansion) keeps every word', () => {
  assert.equal(expandWord('${A}', ['A=1', 'A=2']), '2');
  assert.deepEqual(expandArgv(['$A', '${A}'], ['A=1'], true), ['$A', '${A}']);
});
