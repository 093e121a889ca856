#!/usr/bin/env node
// Bundles the compiled CLI into CommonJS files in dist/bundle/: main.cjs (the verb table) and one
// file per verb, which main.cjs require()s on demand. Every container start pays Node's module
// loading, and the bundle is what it loads: one file per verb instead of ~60 saves resolution
// and reads; CommonJS instead of ES modules saves the ESM loader's start-up (~10 ms here); and a
// verb's file holds only its own code, because compiling JavaScript costs time by the byte
// (~9 ms for all verbs in one file, ~4 ms for nspawn's alone). docs/performance.md has figures.
// bin/nsbox.cjs falls back to dist/src when the bundle is missing or stale.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const top = fileURLToPath(new URL('..', import.meta.url));
const out = `${top}/dist/bundle`;
// The verb list is src/cli/verbs.ts's, compiled.
const { VERB_NAMES: VERBS } = await import(`${top}/dist/src/cli/verbs.js`);

// The sources locate files next to themselves with import.meta.url, which CommonJS lacks: a
// bundle gets its own file's URL instead (the sources already try the bundle's depth).
const META_URL = '__nsboxBundleUrl';
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['koffi', 'better-sqlite3'],
  // import() of a verb becomes require(): a dynamic import would start the ESM loader.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': META_URL },
  banner: { js: `var ${META_URL} = require('node:url').pathToFileURL(__filename).href;` },
  outdir: out,
  outExtension: { '.js': '.cjs' },
  logLevel: 'warning',
};

/** main.js's `import('./VERB.js')` stays outside main.cjs, as a require of the verb's own file. */
const verbsApart = {
  name: 'verbs-apart',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^\\./(${VERBS.join('|')})\\.js$`) }, (args) =>
      args.importer.endsWith('/cli/main.js') ? { path: args.path.replace(/\.js$/, '.cjs'), external: true } : undefined,
    );
  },
};

rmSync(out, { recursive: true, force: true });
await build({ ...common, entryPoints: { main: `${top}/dist/src/cli/main.js` }, plugins: [verbsApart] });
await build({ ...common, entryPoints: Object.fromEntries(VERBS.map((v) => [v, `${top}/dist/src/cli/${v}.js`])) });
