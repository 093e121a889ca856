import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directiveLines, quoteWord, SandboxOptionError } from '../../../src/api/options.js';

test('options become directive lines, each remembering its option', () => {
  assert.deepEqual(directiveLines({ protectSystem: 'strict', privateTmp: true, readOnlyPaths: ['/usr', '/my dir'], umask: 0o27, limits: { NOFILE: 1024 } }), [
    { option: 'protectSystem', line: 'ProtectSystem=strict' },
    { option: 'privateTmp', line: 'PrivateTmp=yes' },
    { option: 'readOnlyPaths', line: 'ReadOnlyPaths=/usr "/my dir"' },
    { option: 'umask', line: 'UMask=0027' },
    { option: 'limits.NOFILE', line: 'LimitNOFILE=1024' },
  ]);
  assert.deepEqual(directiveLines({ privateIPC: false, restrictSUIDSGID: true, environment: { A: 'x y', B: '50%' } }).map((l) => l.line),
    ['PrivateIPC=no', 'RestrictSUIDSGID=yes', 'Environment="A=x y"', 'Environment=B=50%%']);
  assert.deepEqual(directiveLines({ bindPaths: ['/a:/b', { source: '/c', destination: '/d', recursive: false, ignoreMissing: true }] }).map((l) => l.line),
    ['BindPaths=/a:/b', 'BindPaths=-/c:/d:norbind']);
});

test('words are quoted only where needed; specifiers and, in commands, variables are escaped', () => {
  assert.equal(quoteWord('/usr/bin', 'x'), '/usr/bin');
  assert.equal(quoteWord('a b', 'x'), '"a b"');
  assert.equal(quoteWord('say "hi"', 'x'), '"say \\"hi\\""');
  assert.equal(quoteWord('back\\slash', 'x'), '"back\\\\slash"');
  assert.equal(quoteWord('$HOME', 'command', true), '$$HOME');
  assert.equal(quoteWord(';', 'command', true), '";"');
  assert.equal(quoteWord('', 'x'), '""');
  assert.throws(() => quoteWord('a\nb', 'environment'), (e: unknown) => e instanceof SandboxOptionError && e.option === 'environment');
  assert.throws(() => directiveLines({ bindPaths: [{ source: '/with:colon' }] }), (e: unknown) => e instanceof SandboxOptionError && e.option === 'bindPaths');
  assert.throws(() => directiveLines({ nosuch: true } as object), (e: unknown) => e instanceof SandboxOptionError && e.option === 'nosuch');
});
