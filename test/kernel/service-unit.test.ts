// One realistic unit end to end: loaded from a unit directory, every command planned through
// src/service/, ExecStartPre= and ExecStart= run by the executor, and checked from inside.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/executor/run.js';
import { createPrivateTmp, planUnit, type PrivateTmp } from '../../src/service/index.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { assertNoLeaks, takeSnapshot } from '../fixtures/cleanup.js';

const template = fileURLToPath(new URL('../../../test/fixtures/units/e2e/nsbox-e2e.service.in', import.meta.url));

describe('a service unit end to end', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let unitDir: string;
  let marker: string;
  let privateTmp: PrivateTmp;
  let treeBase: string;
  before(() => {
    // Not below /tmp: the private /tmp is bound over it, and the pre command outside the root
    // would lose sight of the tree (systemd would too).
    treeBase = mkdtempSync('/run/nsbox-e2e-');
    const savedTmpdir = process.env['TMPDIR'];
    process.env['TMPDIR'] = treeBase;
    try {
      tree = makeBusyboxTree();
    } finally {
      if (savedTmpdir === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmpdir;
    }
    mkdirSync(join(tree.root, 'srv/data'), { recursive: true });
    mkdirSync(join(tree.root, 'srv/secret'), { recursive: true });
    writeFileSync(join(tree.root, 'srv/data/file'), 'data-readable\n');
    writeFileSync(join(tree.root, 'srv/secret/key'), 'the-key\n');
    // A file in the host's /tmp that the private /tmp must hide.
    marker = mkdtempSync(join(tmpdir(), 'nsbox-e2e-marker-'));
    unitDir = mkdtempSync(join(tmpdir(), 'nsbox-e2e-units-'));
    const text = readFileSync(template, 'utf8').replaceAll('@TREE@', tree.root).replaceAll('@MARKER@', basename(marker));
    writeFileSync(join(unitDir, 'nsbox-e2e.service'), text);
    privateTmp = createPrivateTmp('nsbox-e2e.service');
  });
  after(() => {
    privateTmp.remove();
    tree.remove();
    rmSync(unitDir, { recursive: true, force: true });
    rmSync(marker, { recursive: true, force: true });
    rmSync(treeBase, { recursive: true, force: true });
  });

  test('ExecStartPre= runs outside the root, ExecStart= inside; both share /tmp and the path rules', async () => {
    const plans = await planUnit('nsbox-e2e.service', { unitPath: unitDir, privateTmpDirs: privateTmp });
    assert.deepEqual(plans.unit.diagnostics, []);
    assert.deepEqual(plans.commands.map((c) => c.command.kind), ['ExecStartPre', 'ExecStart']);
    for (const c of plans.commands) assert.equal(c.error, undefined, c.error?.message);
    const [pre, start] = plans.commands.map((c) => c.plan!);
    assert.equal(pre!.root, undefined, 'RootDirectoryStartOnly=: the pre command stays outside');
    assert.equal(start!.root, tree.root);

    const snapshot = takeSnapshot({ paths: [tree.root], mountsUnder: [tree.root, privateTmp.tmp] });
    const preRun = await run(pre!);
    assert.deepEqual(preRun.status, { kind: 'exited', code: 0 }, preRun.stderr);
    assert.deepEqual(preRun.stdout.trim().split('\n'), ['pre-outside-root', 'pre-private-tmp', 'pre-data-ro', 'pre-secret-hidden']);
    const startRun = await run(start!);
    assert.deepEqual(startRun.status, { kind: 'exited', code: 0 }, startRun.stderr);
    assert.deepEqual(startRun.stdout.trim().split('\n'), [
      'pre-e2e', 'start-in-root', 'data-readable', 'start-data-ro', 'start-secret-hidden', 'start-proc', 'mode=e2e',
    ]);
    await assertNoLeaks(snapshot);
    // The hand-off went through the unit's own /tmp, not the host's or the tree's.
    assert.equal(readFileSync(join(privateTmp.tmp, 'handoff'), 'utf8'), 'pre-e2e\n');
    assert.throws(() => readFileSync(join(tree.root, 'tmp/handoff')));
  });

  test('User= is resolved in the manager\'s user database, not in RootDirectory=\'s', async () => {
    // `tester` exists only in the tree's /etc/passwd, `daemon` (uid 1) on the host as well.
    const unit = (user: string): string => `[Service]\nRootDirectory=${tree.root}\nUser=${user}\nExecStart=/bin/id -u\n`;
    writeFileSync(join(unitDir, 'nsbox-user-tree.service'), unit('tester'));
    writeFileSync(join(unitDir, 'nsbox-user-host.service'), unit('daemon'));
    const fromTree = await planUnit('nsbox-user-tree.service', { unitPath: unitDir, privateTmpDirs: privateTmp });
    assert.equal(fromTree.commands[0]?.error?.status, 'USER');
    const fromHost = await planUnit('nsbox-user-host.service', { unitPath: unitDir, privateTmpDirs: privateTmp });
    assert.equal(fromHost.commands[0]?.plan?.process.credentials?.uid, 1);
  });
});
