// SystemCallFilter= compiled by libseccomp and loaded by the helper, checked from inside.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/executor/run.js';
import { planCommand } from '../../src/sandbox/plan-command.js';
import { defaultExecSettings, type ExecSettings } from '../../src/unit/exec-settings.js';
import { noPrefixes } from '../../src/unit/exec-command.js';
import { compileSeccompFilters } from '../../src/seccomp/compile.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';

describe('sandbox seccomp', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  before(() => { tree = makeBusyboxTree(); });
  after(() => tree.remove());
  const db = { user: () => undefined, group: () => undefined, memberships: () => [] };
  const sh = (over: Partial<ExecSettings>, script: string) =>
    run(planCommand({ ...defaultExecSettings, rootDirectory: tree.root, ...over },
      { kind: 'ExecStart', path: '/bin/sh', argv: ['/bin/sh', '-c', script], prefixes: noPrefixes },
      { userDatabase: db, compileSeccomp: compileSeccompFilters }).plan);

  test('SystemCallFilter=~@mount:EPERM makes mount(2) fail with EPERM', async () => {
    const script = 'mkdir -p /mnt/t; mount -t tmpfs none /mnt/t 2>&1 && echo mounted';
    const open = await sh({}, script);
    assert.match(open.stdout, /mounted/);
    const r = await sh({ systemCallFilter: [{ invert: true, names: ['@mount'], action: { kind: 'errno', errno: 1 } }] }, script);
    assert.match(r.stdout, /Operation not permitted|permission denied/);
  });

  test('an allow list of @system-service runs a shell; a call outside it kills the process', async () => {
    // ProtectHostname= too: a new UTS namespace, so even a broken filter cannot rename the host.
    const r = await sh({ protectHostname: true, systemCallFilter: [{ invert: false, names: ['@system-service'] }] },
      'echo alive; hostname nsbox-test; echo rc=$?');
    // busybox forks for the applet: the child dies by SIGSYS (128 + 31).
    assert.deepEqual(r.stdout.trim().split('\n'), ['alive', 'rc=159']);
  });
});
