#!/usr/bin/env node
// `npm test [-- FILTER...]`: installs what is missing, builds, then hands over to the runner in
// test/runner/ (setup step, each test file in its own process under a watchdog, summary).
// As root it re-executes itself inside a throwaway mount namespace (private propagation), so a
// test that leaks or misplaces a mount cannot touch the machine's own mount table; the runner
// gives each file a private mount namespace of its own below that one.
//   FILTER            runs the test files whose path contains it (any of several)
//   --jobs=N          files at a time (default 2)
//   --timeout=S       the per-file watchdog (default 300)
//   --show-output     print each file's output as it ends, not only the failing files'
//   other -flags      go to `node --test` (e.g. --test-name-pattern=...)
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const top = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const isRoot = process.getuid?.() === 0;

if (process.env.NSBOX_TEST_MOUNT_NS !== '1') {
  if (isRoot) execFileSync('sh', [join(top, 'tools/bootstrap.sh')], { stdio: 'inherit' });
  execFileSync('make', ['-s', '-C', join(top, 'native')], { stdio: 'inherit' });
  execFileSync(join(top, 'node_modules/.bin/tsc'), ['-p', top], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(top, 'tools/bundle.mjs')], { stdio: 'inherit' });
  if (isRoot) {
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', process.execPath, fileURLToPath(import.meta.url), ...args], {
      stdio: 'inherit',
      env: { ...process.env, NSBOX_TEST_MOUNT_NS: '1' },
    });
    process.exit(r.status ?? 1);
  }
}

const { main } = await import(pathToFileURL(join(top, 'dist/test/runner/main.js')).href);
process.exit(await main(top, args));
