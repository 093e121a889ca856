// Compiled filters cached on disk. nspawn compiles the same policy on every container start, and
// loading libseccomp through FFI and building the program costs more than the rest of planning;
// a cached program is one small file read. The key covers everything the bytes depend on: the
// policy, the library file (a new libseccomp may emit other code), the architecture and the
// compiler's own version.
import { mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeccompPolicy } from '../sandbox/seccomp-policy.js';

/** Bump when compile.ts changes what it emits for the same policy. */
const COMPILER_VERSION = 2;

export const SECCOMP_CACHE_DIR = '/var/cache/nsbox/seccomp';

const LIBRARY_CANDIDATES = ['/lib/x86_64-linux-gnu/libseccomp.so.2', '/usr/lib/x86_64-linux-gnu/libseccomp.so.2',
  '/lib/aarch64-linux-gnu/libseccomp.so.2', '/usr/lib/aarch64-linux-gnu/libseccomp.so.2', '/usr/lib64/libseccomp.so.2', '/usr/lib/libseccomp.so.2'];

function libraryIdentity(): string {
  for (const candidate of LIBRARY_CANDIDATES) {
    try {
      const real = realpathSync(candidate);
      const st = statSync(real);
      return `${real}:${st.size}:${st.mtimeMs}`;
    } catch {
      // not this one
    }
  }
  return 'unknown';
}

/**
 * Two 32-bit FNV-1a-style hashes (different offsets and multipliers), as 16 hex digits. Not node:crypto: loading it
 * costs a container start 6-10 ms. Only root can write the cache directory, so the key needs to
 * tell policies apart, not resist someone forging a collision.
 */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export function cacheKey(policy: SeccompPolicy, library: string): string {
  return hash64(JSON.stringify({ policy, library, arch: process.arch, v: COMPILER_VERSION }));
}

/** The programs for `policy`, compiled by `compile` only when no cached copy exists. */
export function compileCached(policy: SeccompPolicy, compile: (p: SeccompPolicy) => Uint8Array, dir = SECCOMP_CACHE_DIR): Uint8Array {
  const path = join(dir, `${cacheKey(policy, libraryIdentity())}.bpf`);
  try {
    const cached = readFileSync(path);
    if (cached.length > 0 && cached.length % 8 === 0) return new Uint8Array(cached);
  } catch {
    // not cached yet
  }
  const program = compile(policy);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, program, { mode: 0o644 });
    renameSync(tmp, path); // atomic: a concurrent start reads the old file or the whole new one
  } catch {
    // a read-only /var still works, just without the cache
  }
  return program;
}
