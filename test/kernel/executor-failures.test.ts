// Failure paths: each gives a typed error naming what failed, and leaves nothing behind.
// Hostile trees: symlinks pointing out of the root never lead to a mount or write on the host.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { run } from '../../src/executor/run.js';
import { hostPath, rootPath, type Op, type Plan } from '../../src/plan/types.js';
import { SandboxSetupError } from '../../src/errors.js';
import { shellPlan, needsRoot, suiteTree } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, parseMountinfo } from '../fixtures/cleanup.js';
import { allHostileTrees, hostileNodeTrees, type HostileTree } from '../fixtures/hostile-trees.js';

async function setupError(plan: Plan): Promise<SandboxSetupError> {
  try {
    await run(plan);
  } catch (err) {
    assert.ok(err instanceof SandboxSetupError, `expected SandboxSetupError, got ${String(err)}`);
    return err;
  }
  assert.fail('the plan was expected to fail');
}

describe('executor failures', { skip: needsRoot }, () => {
  const tree = suiteTree();

  test('a missing bind source names the bind and the errno', async () => {
    const err = await setupError(shellPlan(tree.root, 'true', {
      ops: [{ kind: 'bind', source: hostPath('/srv/data-that-is-not-there'), target: rootPath('/data'), recursive: true, flags: {}, optional: false, create: 'dir' }],
    }));
    assert.equal(err.message, 'bind /srv/data-that-is-not-there -> /data: No such file or directory');
    assert.equal(err.code, 'SANDBOX_SETUP');
    assert.equal(err.opIndex, 1);
    assert.equal(err.errnoName, 'ENOENT');
  });

  test('an optional missing bind source is skipped', async () => {
    const r = await run(shellPlan(tree.root, 'test -e /data || echo absent', {
      ops: [{ kind: 'bind', source: hostPath('/srv/data-that-is-not-there'), target: rootPath('/data'), recursive: true, flags: {}, optional: true, create: 'dir' }],
    }));
    assert.equal(r.stdout, 'absent\n');
  });

  test('a nonexistent binary fails at exec', async () => {
    const err = await setupError(shellPlan(tree.root, '', { process: { argv: ['/bin/no-such-program'] } }));
    assert.equal(err.message, 'exec /bin/no-such-program: No such file or directory');
    assert.equal(err.step, 'EXEC');
  });

  test('a bad uid (unmapped in the user namespace) fails at credentials', async () => {
    const err = await setupError(shellPlan(tree.root, 'true', {
      process: { credentials: { uid: 5, gid: 5, supplementaryGroups: [] } },
      plan: { namespaces: ['user', 'mount'], user: { uidMap: [{ inside: 0, outside: 100000, count: 1 }], gidMap: [{ inside: 0, outside: 100000, count: 1 }], setgroups: 'deny' } },
    }));
    assert.equal(err.step, 'CREDENTIALS');
    assert.equal(err.errnoName, 'EPERM');
  });

  test('a missing working directory fails at chdir', async () => {
    const err = await setupError(shellPlan(tree.root, 'true', { process: { cwd: '/no/such/dir' } }));
    assert.equal(err.message, 'chdir /no/such/dir: No such file or directory');
  });

  test('a root that does not exist fails before any op', async () => {
    const err = await setupError(shellPlan('/tmp/nsbox-no-such-root', 'true'));
    assert.equal(err.step, 'OPEN_ROOT');
    assert.match(err.message, /^open root \/tmp\/nsbox-no-such-root: No such file or directory$/);
  });

  test('ops without a mount namespace are refused instead of changing the host', async () => {
    const err = await setupError(shellPlan(tree.root, 'true', { plan: { namespaces: ['uts'] } }));
    assert.equal(err.errnoName, 'EINVAL');
  });
});

/** Ops aimed at the hostile path: a mount, a mkdir below it, a file written into it. */
function hostileOps(h: HostileTree): Op[] {
  const p = h.insidePath;
  return [
    { kind: 'tmpfs', target: rootPath(p), mode: 0o755, flags: {}, create: 'dir' },
    { kind: 'mkdir', path: rootPath(`${p}/made-by-nsbox`), mode: 0o755, parents: true },
    { kind: 'write-file', path: rootPath(`${p}/written-by-nsbox`), content: new Uint8Array([120]), mode: 0o644 },
  ];
}

const fileOps = (h: HostileTree): Op[] => [
  { kind: 'write-file', path: rootPath(h.insidePath), content: new TextEncoder().encode('pwned\n'), mode: 0o644 },
  { kind: 'bind', source: hostPath('/dev/null'), target: rootPath(h.insidePath), recursive: false, flags: {}, optional: false, create: 'file' },
];

describe('hostile trees', { skip: needsRoot }, () => {
  for (const make of [...allHostileTrees(), ...hostileNodeTrees()]) {
    const probe = make();
    const name = probe.name;
    probe.remove();
    test(`${name}: nothing outside the root is mounted or written`, async () => {
      const h = make();
      try {
        const before = h.fingerprint();
        const snapshot = takeSnapshot({ paths: [h.root] });
        const ops = h.insidePath.startsWith('/etc/hostname') ? fileOps(h) : hostileOps(h);
        // No switch-root: the payload sees the host's view of its mount namespace, so a mount that
        // escaped would show up at the decoy's host path.
        const plan: Plan = {
          namespaces: ['mount'], pidMode: 'none', root: h.root, ops,
          process: { argv: ['/bin/busybox', 'cat', '/proc/self/mountinfo'], env: [], cwd: '/', terminal: { kind: 'inherit' } },
        };
        let mountinfo = '';
        try {
          mountinfo = (await run(plan)).stdout;
          assert.ok(!/FIFO|device/.test(name), 'writing over a FIFO or device node must fail');
        } catch (err) {
          assert.ok(err instanceof SandboxSetupError, String(err));
        }
        for (const mount of parseMountinfo(mountinfo)) {
          assert.ok(!mount.startsWith(h.decoy), `a mount escaped to the host: ${mount}`);
        }
        assert.equal(h.fingerprint(), before, 'the decoy on the host changed');
        await assertNoLeaks(snapshot);
      } finally {
        h.remove();
      }
    });
  }

  test('the hostile-tree check would notice an escape (control: the same ops on the decoy itself)', async () => {
    const h = make0();
    try {
      const plan: Plan = {
        namespaces: ['mount'], pidMode: 'none', ops: [{ kind: 'tmpfs', target: rootPath(h.decoy), mode: 0o755, flags: {}, create: 'dir' }],
        process: { argv: ['/bin/busybox', 'cat', '/proc/self/mountinfo'], env: [], cwd: '/', terminal: { kind: 'inherit' } },
      };
      const mounts = parseMountinfo((await run(plan)).stdout);
      assert.ok(mounts.some((m) => m.startsWith(h.decoy)));
      assert.ok(readFileSync('/proc/self/mountinfo', 'utf8').indexOf(h.decoy) < 0, 'and it stayed in the sandbox namespace');
    } finally {
      h.remove();
    }
  });
});

const make0 = (): HostileTree => allHostileTrees()[0]!();
