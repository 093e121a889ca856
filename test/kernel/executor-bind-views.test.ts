// Where a bind op finds its source: in the view before any op ran ('original', a service's binds,
// as systemd takes them from the host view) or when it runs ('current', what nspawn's plans use to
// bind what an earlier op made). And the mount-point op, which leaves an existing mount as it is.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/executor/run.js';
import { rootPath, type Op, type SourceView } from '../../src/plan/types.js';
import { SandboxSetupError } from '../../src/errors.js';
import { shellPlan, needsRoot, suiteTree } from '../fixtures/plans.js';

describe('bind source views', { skip: needsRoot }, () => {
  const tree = suiteTree();
  before(() => {
    mkdirSync(join(tree.root, 'srv/sub'), { recursive: true });
    writeFileSync(join(tree.root, 'srv/file'), 'data\n');
  });

  const coverSrv: Op = { kind: 'tmpfs', target: rootPath('/srv'), mode: 0o755, flags: {}, create: 'dir' };
  const bindFile = (sourceView: SourceView): Op => ({
    kind: 'bind', source: rootPath('/srv/file'), target: rootPath('/mnt/file'), recursive: false, flags: {},
    optional: false, create: 'file', sourceView,
  });

  test('an original-view source is found even after an earlier op covered it', async () => {
    const r = await run(shellPlan(tree.root, 'cat /mnt/file; ls -A /srv | wc -l', { ops: [coverSrv, bindFile('original')] }));
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['data', '0']);
  });

  test('a current-view source is looked up when its op runs: the covered file is gone', async () => {
    const err = await run(shellPlan(tree.root, 'true', { ops: [coverSrv, bindFile('current')] })).catch((e: unknown) => e);
    assert.ok(err instanceof SandboxSetupError, String(err));
    assert.equal(err.errnoName, 'ENOENT');
    assert.equal(err.opIndex, 2, 'the bind op, after proc and tmpfs');
  });

  test('a current-view bind takes what an earlier op made; an original-view one fails at its own op', async () => {
    const made: Op[] = [coverSrv, { kind: 'write-file', path: rootPath('/srv/made'), content: new TextEncoder().encode('made\n'), mode: 0o644 }];
    const bindMade = (sourceView: SourceView): Op => ({
      kind: 'bind', source: rootPath('/srv/made'), target: rootPath('/mnt/made'), recursive: false, flags: {},
      optional: false, create: 'file', sourceView,
    });
    const r = await run(shellPlan(tree.root, 'cat /mnt/made', { ops: [...made, bindMade('current')] }));
    assert.equal(r.stdout, 'made\n', r.stderr);
    const err = await run(shellPlan(tree.root, 'true', { ops: [...made, bindMade('original')] })).catch((e: unknown) => e);
    assert.ok(err instanceof SandboxSetupError, String(err));
    assert.equal(err.opIndex, 3);
    assert.equal(err.errnoName, 'ENOENT');
    const optional = await run(shellPlan(tree.root, 'test -s /mnt/made || echo skipped', { ops: [...made, { ...bindMade('original'), optional: true } as Op] }));
    assert.equal(optional.stdout, 'skipped\n', optional.stderr);
  });

  test('mount-point: a plain directory becomes a mount of its own; an existing mount is left alone', async () => {
    const count = 'awk \'$5=="/srv"\' /proc/self/mountinfo | wc -l; awk \'$5=="/srv/sub"\' /proc/self/mountinfo | wc -l';
    const plain = await run(shellPlan(tree.root, count, { ops: [{ kind: 'mount-point', target: rootPath('/srv'), optional: false }] }));
    assert.deepEqual(plain.stdout.trim().split('\n'), ['1', '0'], plain.stderr);
    const existing = await run(shellPlan(tree.root, count, {
      ops: [
        coverSrv, { kind: 'tmpfs', target: rootPath('/srv/sub'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'mount-point', target: rootPath('/srv'), optional: false },
        { kind: 'remount', target: rootPath('/srv'), recursive: true, flags: { readOnly: true }, optional: false },
        { kind: 'mount-point', target: rootPath('/nonexistent'), optional: true },
      ],
    }));
    assert.deepEqual(existing.stdout.trim().split('\n'), ['1', '1'], existing.stderr);
    const ro = await run(shellPlan(tree.root, 'touch /srv/sub/x 2>/dev/null && echo rw || echo ro', {
      ops: [coverSrv, { kind: 'tmpfs', target: rootPath('/srv/sub'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'mount-point', target: rootPath('/srv'), optional: false },
        { kind: 'remount', target: rootPath('/srv'), recursive: true, flags: { readOnly: true }, optional: false }],
    }));
    assert.equal(ro.stdout, 'ro\n', 'the submount was made read-only in place');
    const missing = await run(shellPlan(tree.root, 'true', { ops: [{ kind: 'mount-point', target: rootPath('/nonexistent'), optional: false }] })).catch((e: unknown) => e);
    assert.ok(missing instanceof SandboxSetupError);
    assert.equal(missing.errnoName, 'ENOENT');
  });
});
