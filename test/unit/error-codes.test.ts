// One table of error codes: every error class in src/ is in it under its own code, no code twice,
// and an error survives the trip through JSON as an instance of the same class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CLASSES, rebuildError } from '../../src/error-codes.js';
import { NsboxError, SandboxSetupError, TreeFileError } from '../../src/errors.js';
import { NspawnUsageError } from '../../src/nspawn/errors.js';

const src = join(resolve(fileURLToPath(new URL('../../..', import.meta.url))), 'src');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? sources(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));

test('every error class in src/ is listed under the code it declares, and no other error base is used', () => {
  const declared = new Map<string, string>();
  const strays: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/class (\w+) extends (\w+) \{\n\s+readonly code = '(\w+)'/g)) declared.set(m[3]!, m[1]!);
    // The base itself, and the CLI's own usage signal (caught in the same file, never thrown on).
    const isBase = file.endsWith('/src/errors.ts') || file.includes('/src/cli/');
    if (!isBase) for (const m of text.matchAll(/class (\w+) extends (Error|RangeError|TypeError)\b/g)) strays.push(`${file}: ${m[1]} extends ${m[2]}`);
    if (/throw new (RangeError|TypeError)\(/.test(text)) strays.push(`${file} throws a RangeError/TypeError`);
  }
  const listed = new Map(Object.entries(ERROR_CLASSES).map(([code, cls]) => [code, cls.name]));
  assert.deepEqual([...listed].sort(), [...declared].sort());
  assert.deepEqual(strays, []);
});

test('an error serializes to {code, message, fields} and is rebuilt as its own class', () => {
  const original = new SandboxSetupError('bind /srv/data -> /data', 3, 'OP', 2, 'ENOENT', 'No such file or directory');
  const wire = JSON.parse(JSON.stringify(original)) as ReturnType<NsboxError['toJSON']>;
  assert.deepEqual(wire, {
    code: 'SANDBOX_SETUP', message: 'bind /srv/data -> /data: No such file or directory',
    fields: { what: 'bind /srv/data -> /data', opIndex: 3, step: 'OP', errno: 2, errnoName: 'ENOENT', errnoText: 'No such file or directory' },
  });
  const rebuilt = rebuildError(wire);
  assert.ok(rebuilt instanceof SandboxSetupError);
  assert.ok(rebuilt instanceof NsboxError);
  assert.equal(rebuilt.message, original.message);
  assert.equal(rebuilt.name, 'SandboxSetupError');
  assert.deepEqual(rebuilt.toJSON(), wire);
  const usage = rebuildError(new NspawnUsageError('--bind', 'bad').toJSON());
  assert.ok(usage instanceof NspawnUsageError && usage.option === '--bind' && usage.code === 'NSPAWN_USAGE');
  assert.ok(rebuildError(new TreeFileError('/t', '/etc/passwd', 'not a regular file').toJSON()) instanceof TreeFileError);
});

test('an unknown code is refused, not turned into a plain error', () => {
  assert.throws(() => rebuildError({ code: 'NO_SUCH_CODE', message: 'x', fields: {} }), /unknown error code "NO_SUCH_CODE"/);
});
