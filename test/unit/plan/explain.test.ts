import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPlan } from '../../../src/plan/explain.js';
import { planCommand } from '../../../src/sandbox/plan-command.js';
import { defaultExecSettings } from '../../../src/unit/exec-settings.js';
import { noPrefixes } from '../../../src/unit/exec-command.js';

const db = { user: () => undefined, group: () => undefined, memberships: () => [] };
const explain = (over: Partial<typeof defaultExecSettings>): string =>
  explainPlan(planCommand({ ...defaultExecSettings, ...over }, { kind: 'ExecStart', path: '/bin/true', argv: ['/bin/true'], prefixes: noPrefixes },
    { userDatabase: db, privateTmpDirs: { tmp: '/T/tmp', varTmp: '/T/vt' } }).plan);
const lineOf = (text: string, label: string): string => text.split('\n').slice(4).find((l) => new RegExp(`[─ ]${label}\\s`).test(l)) ?? '';

test('explainPlan() says the host file system is unchanged without a mount namespace', () => {
  assert.match(explain({}), /File system: the host's, unchanged/);
});

test('explainPlan() shows the final flags after every remount round', () => {
  const text = explain({ protectSystem: 'strict', privateTmp: true, inaccessiblePaths: [{ path: '/srv', ignoreMissing: true, relativeToRoot: false }] });
  assert.match(lineOf(text, '/'), /read-only/);
  assert.match(lineOf(text, 'tmp'), /read-write .*bind from host \/T\/tmp/);
  assert.match(lineOf(text, 'srv'), /INACCESSIBLE \(if present\)/);
  assert.match(lineOf(text, 'home'), /read-write/);
});

test('explainPlan() lists process settings', () => {
  const text = explain({ user: 'nobody', environment: ['A=1'], umask: 0o077 });
  assert.match(text, /user\s+uid 65534, gid 65534/);
  assert.match(text, /umask\s+0077/);
  assert.match(text, /A=1/);
  const plan = planCommand({ ...defaultExecSettings }, { kind: 'ExecStart', path: '/bin/true', argv: ['/bin/true'], prefixes: noPrefixes },
    { userDatabase: db, privateTmpDirs: { tmp: '/T/tmp', varTmp: '/T/vt' } }).plan;
  assert.match(explainPlan({ ...plan, process: { ...plan.process, cpuAffinity: [0, 2, 3] } }), /cpu affinity\s+0 2 3/);
});

test('explainPlan() leaves the submounts a recursive remount excludes with their own flags', () => {
  const text = explainPlan({
    namespaces: ['mount'], pidMode: 'none',
    ops: [
      { kind: 'tmpfs', target: { in: 'root', path: '/a' }, mode: 0o755, flags: {}, create: 'dir' },
      { kind: 'tmpfs', target: { in: 'root', path: '/a/b' }, mode: 0o755, flags: {}, create: 'dir' },
      { kind: 'tmpfs', target: { in: 'root', path: '/a/c' }, mode: 0o755, flags: {}, create: 'dir' },
      { kind: 'remount', target: { in: 'root', path: '/a' }, recursive: true, exclude: [{ in: 'root', path: '/a/b' }], flags: { readOnly: true }, optional: false },
    ],
    process: { argv: ['/bin/true'], env: [], cwd: '/', terminal: { kind: 'inherit' } },
  });
  assert.match(lineOf(text, 'a'), /read-only/);
  assert.match(lineOf(text, 'b'), /read-write/);
  assert.match(lineOf(text, 'c'), /read-only/);
});
