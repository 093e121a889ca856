#!/usr/bin/env node
// The `nsbox` command. Runs the bundled CLI (tools/bundle.mjs) when it is at least as new as the
// compiled sources, else the compiled sources themselves (npm run build first).
import { statSync } from 'node:fs';

const mtime = (rel) => {
  try {
    return statSync(new URL(rel, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};
const bundled = mtime('../dist/bundle/main.js') >= mtime('../dist/src/cli/main.js');
const { main } = await import(bundled ? '../dist/bundle/main.js' : '../dist/src/cli/main.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`nsbox: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
