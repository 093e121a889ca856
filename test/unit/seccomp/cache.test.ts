import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, compileCached } from '../../../src/seccomp/cache.js';
import type { SeccompPolicy } from '../../../src/sandbox/seccomp-policy.js';

const policy = (names: string[]): SeccompPolicy => ({
  filter: [{ invert: true, names }], defaultAction: { kind: 'kill' }, architectures: [], denies: [],
  lockPersonality: false, restrictRealtime: false, restrictSUIDSGID: false, memoryDenyWriteExecute: false,
} as unknown as SeccompPolicy);

test('cacheKey() differs by policy and by library, and is stable', () => {
  assert.equal(cacheKey(policy(['mount']), 'lib:1'), cacheKey(policy(['mount']), 'lib:1'));
  assert.notEqual(cacheKey(policy(['mount']), 'lib:1'), cacheKey(policy(['umount2']), 'lib:1'));
  assert.notEqual(cacheKey(policy(['mount']), 'lib:1'), cacheKey(policy(['mount']), 'lib:2'));
});

test('compileCached() compiles once, then reads the cached program', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nsbox-seccomp-cache-'));
  try {
    let compiled = 0;
    const compile = (): Uint8Array => {
      compiled++;
      return new Uint8Array([6, 0, 0, 0, 0, 0, 0xff, 0x7f]);
    };
    const first = compileCached(policy(['mount']), compile, dir);
    const second = compileCached(policy(['mount']), compile, dir);
    assert.equal(compiled, 1);
    assert.deepEqual(second, first);
    assert.equal(readdirSync(dir).length, 1);
    // A damaged cache entry (not whole instructions) is compiled again, not loaded.
    writeFileSync(join(dir, readdirSync(dir)[0]!), 'bad');
    compileCached(policy(['mount']), compile, dir);
    assert.equal(compiled, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
