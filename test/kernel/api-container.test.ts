// The Node API's Container: started from nspawn's options, entered with exec() (the container's
// own limits, a user of its passwd), powered off and terminated, leaving nothing behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { needsRoot } from '../fixtures/plans.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { Container, SandboxOptionError } from '../../src/index.js';

const firstLine = (c: Container): Promise<string> => new Promise((resolve) => c.stdout!.setEncoding('utf8').once('data', (d: string) => resolve(d.trim())));

describe('Container', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-api-ctr-');
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: 'nsbox-apibox' });
  });
  after(() => tree.remove());

  test('start, exec as root and as a user, terminate', async () => {
    const c = await Container.start(['-q', '--register=no', '-D', tree.root, '-M', 'apibox', '/bin/sh', '-c', 'echo up; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      assert.equal(await firstLine(c), 'up');
      assert.equal(c.name, 'apibox');
      const host = await c.exec(['/bin/hostname']);
      assert.deepEqual(host, { stdout: 'apibox\n', stderr: '', exitCode: 0, signal: null });
      const user = await c.exec(['/bin/sh', '-c', 'id -u; echo $GREETING'], { user: 'tester', environment: { GREETING: 'hello' } });
      assert.equal(user.stdout, '1000\nhello\n');
      assert.equal((await c.exec(['/bin/cat'], { input: 'fed' })).stdout, 'fed');
      const status = (await c.exec(['/bin/cat', '/proc/self/status'])).stdout;
      const field = (text: string, name: string): string | undefined => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1];
      assert.equal(field(status, 'CapBnd'), field(readFileSync(`/proc/${c.pid}/status`, 'utf8'), 'CapBnd'));
      assert.equal(field(status, 'Seccomp'), '2');
      assert.equal((await c.exec(['/bin/sh', '-c', 'exit 5'])).exitCode, 5);
      await assert.rejects(c.exec(['hostname']), SandboxOptionError);
    } finally {
      c.terminate();
    }
    // As systemd-nspawn exits: a container whose PID 1 was killed ends with status 1.
    assert.deepEqual(await c.exited, { exitCode: 1, signal: null });
  });

  test('poweroff reaches the init', async () => {
    const c = await Container.start(['-q', '--register=no', '-D', tree.root, '-M', 'apibox2', '/bin/sh', '-c', 'trap "exit 3" 38; echo up; while :; do sleep 0.1; done'], { stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(await firstLine(c), 'up');
    c.poweroff();
    assert.deepEqual(await c.exited, { exitCode: 3, signal: null });
  });

  test('bad options are refused before anything starts', async () => {
    await assert.rejects(Container.start(['--no-such-option', '-D', tree.root]), /no-such-option/);
    await assert.rejects(Container.start(['-D', `${tree.root}/missing`, '/bin/true']), /Failed to resolve path/);
  });

  test('nothing is left behind', async () => {
    await assertNoLeaks(snapshot);
  });
});
