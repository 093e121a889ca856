#!/bin/sh
':' //; unset NODE_EXTRA_CA_CERTS; exec node "$0" "$@"
// The `nsbox` command: a shell script for one line, then a CommonJS module.
// sh runs line 2 (the no-op `:`, then the exec) and so re-executes this file with node; node reads
// a string and a comment there. The detour exists for NODE_EXTRA_CA_CERTS: Node 20 parses that
// certificate file at every start, before any JavaScript runs (40-70 ms on hosts that set it),
// and nsbox opens no TLS connection. A container's environment is built from scratch, so it
// never saw the variable anyway.
// `node bin/nsbox.cjs` skips the detour and works the same.
const { statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const mtime = (rel) => {
  try {
    return statSync(join(__dirname, rel)).mtimeMs;
  } catch {
    return -1;
  }
};

// The bundle (tools/bundle.mjs) when it is at least as new as the compiled sources, else the
// compiled sources themselves (ES modules; `npm run build` makes both).
const bundle = '../dist/bundle/main.cjs';
const load =
  mtime(bundle) >= mtime('../dist/src/cli/main.js')
    ? Promise.resolve(require(bundle))
    : import(pathToFileURL(join(__dirname, '../dist/src/cli/main.js')).href);

load
  .then(({ main }) => main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`nsbox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
