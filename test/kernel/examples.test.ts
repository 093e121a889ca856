// Every example in examples/ runs as written (importing 'nsbox' as a user's program would) and
// prints what its closing `// Prints:` comment says; the README shows the first one verbatim.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { needsRoot } from '../fixtures/plans.js';

const top = fileURLToPath(new URL('../../../', import.meta.url));
const examples = join(top, 'examples');

/** The lines after `// Prints:`, without their `// `. */
function expectedOutput(source: string): string {
  const at = source.indexOf('// Prints:\n');
  assert.ok(at >= 0, 'an example ends with a // Prints: block');
  return source.slice(at + '// Prints:\n'.length).split('\n').filter((l) => l.startsWith('//')).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n';
}

describe('examples/', { skip: needsRoot }, () => {
  for (const file of readdirSync(examples).filter((f) => f.endsWith('.mjs')).sort()) {
    test(file, () => {
      const source = readFileSync(join(examples, file), 'utf8');
      const r = spawnSync(process.execPath, [join(examples, file)], { cwd: top, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, expectedOutput(source));
    });
  }

  test('the README\'s Node example is examples/run-sandboxed.mjs, verbatim', () => {
    const readme = readFileSync(join(top, 'README.md'), 'utf8');
    const code = readFileSync(join(examples, 'run-sandboxed.mjs'), 'utf8');
    assert.ok(readme.includes('```js\n' + code + '```'), 'README carries the example as it is');
  });
});
