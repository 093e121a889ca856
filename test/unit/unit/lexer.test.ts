import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexUnitFile } from '../../../src/unit/lexer.js';

const lex = (text: string) => lexUnitFile(text, '/u/x.service');

test('lexUnitFile() reads sections, keys and values with whitespace stripped', () => {
  const r = lex('[Unit]\n  Description =  hello world  \n[Service]\nType=oneshot\n');
  assert.deepEqual(r.assignments.map((a) => [a.section, a.key, a.value, a.line]), [
    ['Unit', 'Description', 'hello world', 2],
    ['Service', 'Type', 'oneshot', 4],
  ]);
  assert.deepEqual(r.sections, ['Unit', 'Service']);
});

test('lexUnitFile() skips # and ; comments and empty lines', () => {
  const r = lex('# c\n; c\n\n[Unit]\n  # indented comment\nA=1\n');
  assert.deepEqual(r.assignments.map((a) => a.key), ['A']);
});

test('lexUnitFile() joins continuation lines, replacing the backslash with a space', () => {
  const r = lex('[Unit]\nDescription=a \\\n  b   c\\\n d\n');
  assert.equal(r.assignments[0]!.value, 'a    b   c  d');
});

test('lexUnitFile() skips comment lines inside a continuation', () => {
  // systemd 252 gives "a    b   c  d" for exactly this file.
  const r = lex('[Unit]\nDescription=a \\\n# comment \\\n  b   c\\\n; x\n d\n');
  assert.equal(r.assignments[0]!.value, 'a    b   c  d');
});

test('lexUnitFile() does not continue a comment line that ends in a backslash', () => {
  const r = lex('[Unit]\n# hello \\\nWants=foo.service\n');
  assert.deepEqual(r.assignments.map((a) => [a.key, a.value]), [['Wants', 'foo.service']]);
});

test('lexUnitFile() reports a continued assignment at its last physical line', () => {
  const r = lex('[Service]\nFooKey=a \\\n b\n');
  assert.equal(r.assignments[0]!.line, 3);
});

test('lexUnitFile() treats an escaped backslash at the end as no continuation', () => {
  const r = lex('[Unit]\nA=x\\\\\nB=y\n');
  assert.deepEqual(r.assignments.map((a) => [a.key, a.value]), [['A', 'x\\\\'], ['B', 'y']]);
});

test('lexUnitFile() keeps repeated keys in order', () => {
  const r = lex('[Service]\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2\n');
  assert.deepEqual(r.assignments.map((a) => a.value), ['A=1', '', 'B=2']);
});

test('lexUnitFile() warns about lines without = and assignments outside a section', () => {
  const r = lex('A=1\n[Unit]\n.include /x\n');
  assert.deepEqual(r.diagnostics.map((d) => [d.line, d.message]), [
    [1, 'Assignment outside of section. Ignoring.'],
    [3, "Missing '=', ignoring line."],
  ]);
});

test('lexUnitFile() ignores X- sections silently and warns about unknown ones', () => {
  const r = lexUnitFile('[X-Foo]\nA=1\n[Bar]\nB=2\n[Unit]\nC=3\n', 'f', { knownSections: new Set(['Unit']) });
  assert.deepEqual(r.assignments.map((a) => a.key), ['C']);
  assert.deepEqual(r.diagnostics.map((d) => d.message), ["Unknown section 'Bar'. Ignoring."]);
});

test('lexUnitFile() fails on an invalid section header', () => {
  const r = lex('[Unit\nA=1\n');
  assert.equal(r.diagnostics[0]!.severity, 'error');
});

test('lexUnitFile() accepts CRLF line ends and a BOM', () => {
  const r = lex('\uFEFF[Unit]\r\nA=1\r\n');
  assert.deepEqual(r.assignments.map((a) => [a.key, a.value]), [['A', '1']]);
});
