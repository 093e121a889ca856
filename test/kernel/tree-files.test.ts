// Reading a tree's files as the helper resolves paths (issue 8, item 5): links that point out of
// the tree, FIFOs, devices and oversized files never make nsbox read the host, hang or fill memory.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { lstatInTree, readTreeFile } from '../../src/machines/tree-files.js';
import { gatherTreeFacts } from '../../src/machines/facts.js';
import { readUserDatabase } from '../../src/service/user-db.js';
import { TreeFileError } from '../../src/errors.js';
import { inBox } from './nspawn-cli.js';

describe('tree files are read inside the tree', { skip: needsRoot }, () => {
  let base: string;
  let tree: string;
  let decoy: string;
  before(() => {
    base = mkdtempSync('/tmp/nsbox-treefiles-');
    tree = join(base, 'tree');
    decoy = join(base, 'decoy');
    mkdirSync(join(tree, 'etc'), { recursive: true });
    mkdirSync(join(tree, 'dev'));
    mkdirSync(decoy);
    writeFileSync(join(decoy, 'passwd'), 'decoy:x:4242:4242::/:/bin/sh\n');
    writeFileSync(join(decoy, 'machine-id'), '0123456789abcdef0123456789abcdef\n');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const place = (name: string, make: (path: string) => void): string => {
    const path = join(tree, 'etc', name);
    rmSync(path, { force: true, recursive: true });
    make(path);
    return `/etc/${name}`;
  };

  test('an absolute link out of the tree is resolved inside it', () => {
    const p = place('passwd', (path) => symlinkSync(join(decoy, 'passwd'), path));
    assert.equal(readTreeFile(tree, p), undefined, 'the decoy path does not exist inside the tree');
    assert.equal(readUserDatabase(tree).user('decoy'), undefined);
  });

  test('a relative link climbing with .. stops at the tree root', () => {
    const p = place('passwd', (path) => symlinkSync(`../../../../../..${decoy}/passwd`, path));
    assert.equal(readTreeFile(tree, p), undefined);
  });

  test('a link within the tree is followed', () => {
    writeFileSync(join(tree, 'etc/real-passwd'), 'root:x:0:0::/root:/bin/sh\n');
    const p = place('passwd', (path) => symlinkSync('real-passwd', path));
    assert.equal(readTreeFile(tree, p), 'root:x:0:0::/root:/bin/sh\n');
  });

  test('a FIFO is refused at once, not waited on', () => {
    const p = place('passwd', (path) => execFileSync('mkfifo', [path]));
    assert.throws(() => readTreeFile(tree, p), (e: unknown) => e instanceof TreeFileError && /etc\/passwd: not a regular file/.test(e.message));
  });

  test('a device (even through a link to the tree\'s own /dev/zero) is refused', () => {
    execFileSync('mknod', [join(tree, 'dev/zero'), 'c', '1', '5']);
    try {
      const p = place('passwd', (path) => symlinkSync('/dev/zero', path));
      assert.throws(() => readTreeFile(tree, p), /not a regular file/);
    } finally {
      rmSync(join(tree, 'dev/zero'));
    }
  });

  test('a file over the cap is refused', () => {
    const p = place('group', (path) => writeFileSync(path, Buffer.alloc(2048, 0x61)));
    assert.throws(() => readTreeFile(tree, p, 1024), /larger than 1024 bytes/);
    assert.equal(readTreeFile(tree, p, 4096)?.length, 2048);
  });

  test('a magic link (/proc/self/root) is not followed', () => {
    const p = place('passwd', (path) => symlinkSync('/proc/self/root/etc/passwd', path));
    // Inside the tree there is no /proc: nothing, rather than the host's passwd.
    assert.equal(readTreeFile(tree, p), undefined);
  });

  test('lstat inside the tree: a link is reported with its target, not followed', () => {
    place('localtime', (path) => symlinkSync(`${decoy}/zone`, path));
    assert.deepEqual(lstatInTree(tree, '/etc/localtime'), { kind: 'symlink', target: `${decoy}/zone` });
    assert.deepEqual(lstatInTree(tree, '/etc'), { kind: 'directory' });
    assert.deepEqual(lstatInTree(tree, '/nope/x'), { kind: 'absent' });
  });

  test('facts: a machine-id linked to the host or a FIFO gives no id (nspawn makes a random one)', () => {
    place('machine-id', (path) => symlinkSync(join(decoy, 'machine-id'), path));
    assert.equal(gatherTreeFacts(tree, []).machineId, undefined);
    place('machine-id', (path) => execFileSync('mkfifo', [path]));
    assert.equal(gatherTreeFacts(tree, []).machineId, undefined);
    place('machine-id', (path) => writeFileSync(path, '0123456789abcdef0123456789abcdee\n'));
    assert.equal(gatherTreeFacts(tree, []).machineId, '0123456789abcdef0123456789abcdee');
  });
});

describe('nsbox nspawn on a tree whose facts point at the host', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-hostile-facts-');
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  test('etc/machine-id -> /etc/machine-id does not give the container the host\'s id', async () => {
    rmSync(join(tree.root, 'etc/machine-id'), { force: true });
    symlinkSync('/etc/machine-id', join(tree.root, 'etc/machine-id'));
    const r = await inBox(tree.root, 'cat /run/host/container-uuid');
    assert.equal(r.code, 0, r.stderr);
    const hostId = execFileSync('cat', ['/etc/machine-id'], { encoding: 'utf8' }).trim();
    assert.notEqual(r.stdout.trim().replaceAll('-', ''), hostId);
  });

  test('a FIFO at etc/machine-id does not hang the start', async () => {
    rmSync(join(tree.root, 'etc/machine-id'), { force: true });
    execFileSync('mkfifo', [join(tree.root, 'etc/machine-id')]);
    const r = await inBox(tree.root, 'echo started');
    assert.equal(r.stdout, 'started\n', r.stderr);
    rmSync(join(tree.root, 'etc/machine-id'));
  });

  test('a FIFO at etc/passwd fails -u with an error naming the file, without hanging', async () => {
    const passwd = join(tree.root, 'etc/passwd');
    const saved = execFileSync('cat', [passwd]);
    rmSync(passwd);
    execFileSync('mkfifo', [passwd]);
    try {
      const r = await inBox(tree.root, 'id', ['-u', 'root']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /etc\/passwd: not a regular file/);
    } finally {
      rmSync(passwd);
      writeFileSync(passwd, saved);
    }
  });
});
