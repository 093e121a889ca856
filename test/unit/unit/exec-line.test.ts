import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExecLine, resolveCommandPath, splitPrefixes } from '../../../src/unit/exec-line.js';
import { expandArgv } from '../../../src/unit/env-expand.js';

const id = (s: string) => s;
const parse = (v: string) => parseExecLine(v, 'ExecStart', id);

test('parseExecLine() splits several commands at a lone ;', () => {
  const r = parse('/bin/true a \\; b ; /bin/c "\\x41\\101\\u00e9" ;');
  assert.deepEqual(r.commands.map((c) => c.argv), [['/bin/true', 'a', ';', 'b'], ['/bin/c', 'AAé']]);
});

test('parseExecLine() keeps unknown escapes with a warning', () => {
  const r = parse('/bin/echo x\\;y');
  assert.deepEqual(r.commands[0]!.argv, ['/bin/echo', 'x\\;y']);
  assert.equal(r.warnings.length, 1);
});

test('parseExecLine() fails on unbalanced quoting even where it keeps unknown escapes; - makes it a warning', () => {
  assert.deepEqual(parse('/bin/echo "unterminated').error, { message: 'Unbalanced quoting, ignoring: "/bin/echo "unterminated"', ignoreFailure: false });
  assert.deepEqual(parse("/bin/echo 'x\\q").error?.message.startsWith('Unbalanced quoting'), true);
  assert.equal(parse('-/bin/echo "x').error?.ignoreFailure, true);
  // A trailing backslash outside quotes is kept, as systemd's relaxed retry does.
  assert.deepEqual(parse('/bin/echo x\\').commands[0]?.argv, ['/bin/echo', 'x\\']);
});

test('parseExecLine() records prefixes and takes argv[0] from the next word with @', () => {
  const r = parse('-@:/bin/sh argv0 -c true');
  const c = r.commands[0]!;
  assert.equal(c.path, '/bin/sh');
  assert.deepEqual(c.argv, ['argv0', '-c', 'true']);
  assert.deepEqual(c.prefixes, { ignoreFailure: true, argv0Override: true, noEnvExpansion: true, fullPrivileges: false, noSetCredentials: false, ambientFallback: false });
});

test('splitPrefixes() reads ! and !! but stops at ! after +', () => {
  assert.equal(splitPrefixes('!!/bin/x').prefixes.ambientFallback, true);
  assert.equal(splitPrefixes('!/bin/x').prefixes.noSetCredentials, true);
  assert.deepEqual(splitPrefixes('+-!!/bin/x').rest, '!!/bin/x');
});

test('parseExecLine() refuses a relative path with a slash; with - only as a warning', () => {
  assert.deepEqual(parse('rel/x').error, { message: 'Neither a valid executable name nor an absolute path: rel/x', ignoreFailure: false });
  assert.equal(parse('+-!!/bin/x').error?.ignoreFailure, true);
});

test('parseExecLine() accepts a bare command name and resolveCommandPath() finds it', () => {
  assert.equal(parse('echo hi').commands[0]!.path, 'echo');
  assert.equal(resolveCommandPath('echo', (p) => p === '/usr/bin/echo'), '/usr/bin/echo');
  assert.equal(resolveCommandPath('echo', () => false), undefined);
  assert.equal(resolveCommandPath('x', (p) => p === '/opt/x', ['/opt']), '/opt/x');
});

test('parseExecLine() resolves specifiers per word', () => {
  const r = parseExecLine('/bin/echo %i', 'ExecStart', (s) => s.replace('%i', 'a b'));
  assert.deepEqual(r.commands[0]!.argv, ['/bin/echo', 'a b']);
});

test('expandArgv() splits a lone $VAR, substitutes ${VAR} inside words and keeps $$ as $', () => {
  const env = { A: '1 "2 3"', B: 'x', EMPTY: '' };
  assert.deepEqual(expandArgv(['/bin/e', '$A', 'p${B}q', '$$c', 'a$B', '$EMPTY', '$UNSET', '${UNSET}'], env),
    ['/bin/e', '1', '2 3', 'pxq', '$c', 'a$B', '', ]);
});
