// nsbox-test: needs bookworm-sysvinit
// Booting a Debian tree with sysvinit: /sbin/init reaches runlevel 2 and `halt` ends the
// container with exit 0 (the kernel kills a PID namespace's init with SIGINT on halt; nspawn
// reports that as a clean shutdown), leaving nothing behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { copyDebianTree, scratchTempDir, SYSVINIT_RECIPE, type TreeCopy } from '../fixtures/debian-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { startNsbox, stopAllBoxes } from './nspawn-cli.js';
import { containerInit, enter, waitFor } from './boot-helpers.js';

describe('booting Debian with sysvinit', { skip: needsRoot, timeout: 300_000 }, () => {
  let tree: TreeCopy;
  let snapshot: Snapshot;
  before(async () => {
    tree = await copyDebianTree(scratchTempDir('nsbox-boot-'), SYSVINIT_RECIPE);
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  // The container first, then its tree: a test cancelled by its timeout never reaches its finally.
  after(async () => {
    await stopAllBoxes();
    tree?.remove();
  });

  test('boots to runlevel 2 and halts with exit 0', async () => {
    const box = startNsbox(['nspawn', '-q', '-D', tree.root, '-b']);
    try {
      const pid = await waitFor('the container init', () => containerInit(box.child.pid!), 20000);
      const comm = await enter(pid, ['cat', '/proc/1/comm']);
      assert.equal(comm.stdout, 'init\n');
      await waitFor('runlevel 2', async () => ((await enter(pid, ['runlevel'])).stdout.trim() === 'N 2' ? true : undefined), 60000);
      const halt = await enter(pid, ['halt']);
      assert.equal(halt.code, 0, halt.stderr);
      assert.equal((await box.done).code, 0);
    } finally {
      // Second SIGTERM kills: a failed assertion must not leave init running on a deleted tree.
      if (box.child.exitCode === null) {
        box.child.kill('SIGTERM');
        box.child.kill('SIGTERM');
        await box.done;
      }
    }
    await assertNoLeaks(snapshot, 5000);
  });
});
