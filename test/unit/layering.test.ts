// Keeps the import lines of docs/architecture.md honest: pure layers stay pure, only the executor
// touches the helper, and the CLI reaches the library through its public entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const src = join(top, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const files = sources(src).map((path) => ({ path, rel: relative(src, path), text: readFileSync(path, 'utf8') }));
const imports = (text: string): string[] => [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
const layerOf = (rel: string): string => (rel.includes('/') ? rel.split('/')[0]! : rel);

const PURE = new Set(['plan', 'unit', 'sandbox', 'nspawn', 'security-score']);
/** Files inside pure folders whose job is I/O, by design (see docs/architecture.md). */
const PURE_EXCEPTIONS = new Set(['unit/load.ts']);
const PURE_MAY_IMPORT = new Set([...PURE, 'errors.ts', 'assert-never.ts']);
/** Pure data files outside the pure folders that a pure folder may read (system-call groups). */
const PURE_DATA = new Set(['seccomp/groups.ts', 'seccomp/groups-known.ts']);

test('pure layers import no node: modules and only pure layers', () => {
  const bad: string[] = [];
  for (const f of files) {
    if (!PURE.has(layerOf(f.rel)) || PURE_EXCEPTIONS.has(f.rel)) continue;
    for (const spec of imports(f.text)) {
      if (spec.startsWith('node:') || !spec.startsWith('.')) {
        bad.push(`${f.rel} imports ${spec}`);
        continue;
      }
      const target = relative(src, resolve(dirname(f.path), spec)).replace(/\.js$/, '.ts');
      if (!PURE_MAY_IMPORT.has(layerOf(target)) && !PURE_DATA.has(target)) bad.push(`${f.rel} imports ${target}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the pure data files pure layers may read import nothing impure themselves', () => {
  const bad = files
    .filter((f) => PURE_DATA.has(f.rel))
    .flatMap((f) => imports(f.text).filter((spec) => {
      const target = relative(src, resolve(dirname(f.path), spec)).replace(/\.js$/, '.ts');
      // errors.ts is pure: the data's own error classes extend NsboxError.
      return !PURE_DATA.has(target) && target !== 'errors.ts';
    }));
  assert.deepEqual(bad, []);
});

test('pure layers read no environment, clock or randomness', () => {
  const bad = files
    .filter((f) => PURE.has(layerOf(f.rel)) && !PURE_EXCEPTIONS.has(f.rel))
    .filter((f) => /(?<![.\w])process\.(env|argv|cwd|pid|getuid)|\bDate\.now\(|new Date\(|Math\.random\(/.test(f.text.replace(/\/\/.*$/gm, '')))
    .map((f) => f.rel);
  assert.deepEqual(bad, []);
});

test('only executor/ knows where the helper is', () => {
  const bad = files
    .filter((f) => layerOf(f.rel) !== 'executor')
    .filter((f) => /helper-path\.js|nsbox-helper/.test(f.text))
    .map((f) => f.rel);
  assert.deepEqual(bad, []);
});

/**
 * Who may import whom, folder by folder (and the top-level files). Pure layers sit at the bottom;
 * edges import pure layers and the edges listed. A folder missing here fails the test, so a new
 * folder has to take its place in the table.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'assert-never.ts': [],
  'version.ts': [],
  'errors.ts': [],
  plan: ['errors.ts', 'assert-never.ts'],
  unit: ['plan', 'errors.ts', 'assert-never.ts'],
  sandbox: ['unit', 'plan', 'errors.ts', 'assert-never.ts', 'seccomp/groups.ts', 'seccomp/groups-known.ts'],
  nspawn: ['sandbox', 'unit', 'plan', 'errors.ts', 'assert-never.ts', 'seccomp/groups.ts', 'seccomp/groups-known.ts'],
  'security-score': ['sandbox', 'unit', 'plan', 'errors.ts', 'assert-never.ts', 'seccomp'],
  virt: [],
  journal: [],
  ffi: [],
  executor: ['ffi', 'plan', 'errors.ts'],
  seccomp: ['ffi', 'nspawn', 'sandbox', 'unit', 'plan', 'errors.ts'],
  cgroups: ['ffi', 'executor', 'nspawn', 'unit', 'plan', 'errors.ts'],
  machines: ['cgroups', 'executor', 'launch', 'ffi', 'seccomp', 'nspawn', 'sandbox', 'unit', 'plan', 'errors.ts'],
  service: ['machines', 'seccomp', 'sandbox', 'unit', 'plan', 'virt', 'errors.ts'],
  launch: ['executor', 'cgroups', 'plan', 'errors.ts'],
  manager: ['launch', 'service', 'cgroups', 'journal', 'executor', 'ffi', 'sandbox', 'unit', 'plan', 'errors.ts', 'error-codes.ts', 'version.ts'],
  'error-codes.ts': ['api', 'errors.ts', 'unit', 'sandbox', 'nspawn', 'machines', 'service', 'seccomp', 'cgroups', 'security-score', 'manager'],
  api: ['launch', 'service', 'machines', 'nspawn', 'seccomp', 'cgroups', 'unit', 'sandbox', 'plan', 'executor', 'errors.ts'],
  'index.ts': ['api', 'plan', 'executor', 'errors.ts', 'error-codes.ts', 'unit'],
  cli: ['version.ts', 'index.ts', 'executor', 'machines', 'service', 'seccomp', 'security-score', 'sandbox', 'nspawn', 'unit', 'plan', 'virt', 'errors.ts', 'launch', 'journal', 'cgroups', 'manager'],
};

const layerOfTarget = (rel: string): string => {
  const layer = layerOf(rel);
  // The system-call groups are data pure layers may read; name them by file.
  return rel === 'seccomp/groups.ts' || rel === 'seccomp/groups-known.ts' ? rel : layer;
};

test('every folder imports only what the layering table allows it', () => {
  const bad: string[] = [];
  for (const f of files) {
    const layer = layerOf(f.rel);
    const allowed = MAY_IMPORT[layer];
    if (allowed === undefined) {
      bad.push(`${layer} is not in the layering table`);
      continue;
    }
    for (const spec of imports(f.text)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(src, resolve(dirname(f.path), spec)).replace(/\.js$/, '.ts');
      const to = layerOfTarget(target);
      if (layerOf(target) === layer) continue;
      if (!allowed.includes(to) && !allowed.includes(layerOf(target))) bad.push(`${f.rel} imports ${target}`);
    }
  }
  assert.deepEqual([...new Set(bad)], []);
});

/** Import cycles between files (type-only imports included: they tie the files' meaning). */
function cycles(): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    graph.set(f.rel, imports(f.text).filter((s) => s.startsWith('.')).map((s) => relative(src, resolve(dirname(f.path), s)).replace(/\.js$/, '.ts')));
  }
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

test('no import cycles between files', () => {
  assert.deepEqual(cycles().map((c) => c.join(' -> ')), []);
});
