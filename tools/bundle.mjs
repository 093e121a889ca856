#!/usr/bin/env node
// Bundles the compiled CLI into a few files (dist/bundle/). Every container start pays Node's
// module resolution for each file it imports; one bundle per verb cuts ~20 ms off `nsbox nspawn`
// (docs/performance.md). bin/nsbox.js falls back to dist/src when the bundle is missing or stale.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const top = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${top}/dist/bundle`, { recursive: true, force: true });
await build({
  entryPoints: [`${top}/dist/src/cli/main.js`],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: `${top}/dist/bundle`,
  external: ['koffi'],
  logLevel: 'warning',
});
