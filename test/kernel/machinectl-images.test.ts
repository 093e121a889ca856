// `nsbox machinectl`'s image verbs on a scratch image directory (NSBOX_IMAGE_PATH): import from a
// directory and from tar archives (compressed by suffix) with owners, modes and links kept, clone,
// rename, read-only, remove, export; failed imports leave nothing; a running machine's image and
// a read-only one are refused.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needsRoot } from '../fixtures/plans.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { startNsbox, type CliResult } from './nspawn-cli.js';
import { setImmutable } from '../../src/machines/file-flags.js';

const scratch = mkdtempSync('/tmp/nsbox-images-');
const store = join(scratch, 'machines');
const env = { ...process.env, NSBOX_IMAGE_PATH: store, NSBOX_MACHINES_DIR: join(scratch, 'registry') };
const machinectl = (...args: string[]): Promise<CliResult> => startNsbox(['machinectl', ...args], '', env).done;

/** Names in the store, hidden ones (temporaries) included. */
const storeEntries = (): string[] => (existsSync(store) ? readdirSync(store).sort() : []);

/** A file's owner, group, mode and kind, to compare trees. */
function describeTree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = join(root, rel, name);
      const st = lstatSync(path);
      const kind = st.isSymbolicLink() ? `-> ${readlinkSync(path)}` : st.isDirectory() ? 'dir' : `${st.size}B`;
      out.push(`${join(rel, name)} ${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8)} ${kind}`);
      if (st.isDirectory()) walk(join(rel, name));
    }
  };
  walk('.');
  return out;
}

describe('nsbox machinectl: images', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  before(() => {
    tree = makeBusyboxTree('nsbox-images-bb-');
    writeFileSync(join(tree.root, 'usr/lib/owned'), 'x');
    chownSync(join(tree.root, 'usr/lib/owned'), 1234, 5678);
    chmodSync(join(tree.root, 'usr/lib/owned'), 0o4750);
  });
  after(() => {
    // A test that failed half-way may leave an image immutable; rm cannot remove it then.
    for (const name of storeEntries()) {
      try {
        setImmutable(join(store, name), true, false);
      } catch {
        // not a directory, or no attribute
      }
    }
    tree.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('import-fs, clone, rename, list-images and image-status', async () => {
    assert.equal((await machinectl('list-images')).stdout, 'No images.\n');
    assert.equal((await machinectl('import-fs', tree.root, 'bb')).code, 0);
    assert.deepEqual(describeTree(join(store, 'bb')), describeTree(tree.root), 'owners, modes and links kept');
    assert.equal((await machinectl('clone', 'bb', 'bb-copy')).code, 0);
    assert.equal((await machinectl('rename', 'bb-copy', 'bb-renamed')).code, 0);
    const list = await machinectl('list-images');
    assert.match(list.stdout, /^NAME +TYPE +RO +USAGE +CREATED +MODIFIED\n/);
    assert.match(list.stdout, /^bb +directory no +- /m);
    assert.match(list.stdout, /^bb-renamed +directory no +- /m);
    assert.match(list.stdout, /\n2 images listed\.\n$/);
    const listed = JSON.parse((await machinectl('list-images', '-o', 'json')).stdout) as { name: string; type: string; ro: boolean }[];
    assert.deepEqual(listed.map((i) => [i.name, i.type, i.ro]), [['bb', 'directory', false], ['bb-renamed', 'directory', false]]);
    const status = await machinectl('image-status', 'bb-renamed');
    assert.match(status.stdout, new RegExp(`Path: ${join(store, 'bb-renamed')}\n`));
    assert.match(status.stdout, /RO: writable/);
    const exists = await machinectl('clone', 'bb', 'bb-renamed');
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /Image 'bb-renamed' already exists/);
    for (const bad of ['.hidden', 'a/b', '', 'x'.repeat(65)]) assert.equal((await machinectl('clone', 'bb', bad)).code, 1, bad);
    assert.match((await machinectl('image-status', 'nope')).stderr, /No image 'nope'/);
    assert.equal((await machinectl('remove', 'bb-renamed')).code, 0);
    assert.deepEqual(storeEntries(), ['bb']);
  });

  test('read-only images are neither removed nor renamed; their clones are writable', async () => {
    assert.equal((await machinectl('read-only', 'bb')).code, 0);
    assert.match((await machinectl('image-status', 'bb')).stdout, /RO: read-only/);
    const rm = await machinectl('remove', 'bb');
    assert.equal(rm.code, 1);
    assert.match(rm.stderr, /Image 'bb' is read-only/);
    assert.equal((await machinectl('rename', 'bb', 'other')).code, 1);
    assert.equal(spawnSync('touch', [join(store, 'bb', 'new-file')]).status !== 0, true, 'the kernel refuses changes too');
    assert.equal((await machinectl('clone', 'bb', 'bb-rw')).code, 0);
    assert.match((await machinectl('image-status', 'bb-rw')).stdout, /RO: writable/);
    assert.equal((await machinectl('clone', '--read-only', 'bb-rw', 'bb-ro')).code, 0);
    assert.match((await machinectl('image-status', 'bb-ro')).stdout, /RO: read-only/);
    assert.equal((await machinectl('read-only', 'bb-ro', 'no')).code, 0);
    assert.equal((await machinectl('read-only', 'bb', 'false')).code, 0);
    assert.equal((await machinectl('remove', 'bb-rw', 'bb-ro')).code, 0);
    assert.deepEqual(storeEntries(), ['bb']);
  });

  test('export-tar and import-tar round-trip every compression, keeping owners and modes', async () => {
    for (const suffix of ['tar', 'tar.gz', 'tar.xz', 'tar.zst', 'tar.bz2']) {
      const file = join(scratch, `bb.${suffix}`);
      const exported = await machinectl('export-tar', 'bb', file);
      assert.equal(exported.code, 0, exported.stderr);
      const magic = readFileSync(file).subarray(0, 4).toString('hex');
      const expected: Record<string, string> = { 'tar.gz': '1f8b', 'tar.xz': 'fd377a58', 'tar.zst': '28b52ffd', 'tar.bz2': '425a68' };
      if (suffix !== 'tar') assert.ok(magic.startsWith(expected[suffix]!), `${suffix} is compressed (${magic})`);
      const imported = await machinectl('import-tar', file, `from-${suffix.replaceAll('.', '-')}`);
      assert.equal(imported.code, 0, imported.stderr);
      assert.deepEqual(describeTree(join(store, `from-${suffix.replaceAll('.', '-')}`)), describeTree(join(store, 'bb')), suffix);
      assert.equal((await machinectl('remove', `from-${suffix.replaceAll('.', '-')}`)).code, 0);
    }
    const again = await machinectl('export-tar', 'bb', join(scratch, 'bb.tar'));
    assert.equal(again.code, 1, 'an existing file is not replaced');
    assert.match(again.stderr, /exists \(--force replaces it\)/);
    assert.equal((await machinectl('export-tar', '--force', 'bb', join(scratch, 'bb.tar'))).code, 0);
    // The name comes from the file when none is given.
    assert.equal((await machinectl('import-tar', join(scratch, 'bb.tar.zst'))).code, 1, 'bb exists already');
    assert.deepEqual(storeEntries(), ['bb']);
  });

  test('a failed import leaves nothing: not an archive, a truncated one, a missing file', async () => {
    writeFileSync(join(scratch, 'garbage.tar.gz'), 'not gzip at all');
    const garbage = await machinectl('import-tar', join(scratch, 'garbage.tar.gz'), 'garbage');
    assert.equal(garbage.code, 1);
    assert.match(garbage.stderr, /Failed to import image 'garbage': .*gzip/);
    const whole = join(scratch, 'bb.tar');
    const cut = join(scratch, 'cut.tar');
    writeFileSync(cut, Buffer.from(spawnSync('head', ['-c', String(Math.floor(statSync(whole).size / 2)), whole]).stdout));
    const truncated = await machinectl('import-tar', cut, 'cut');
    assert.equal(truncated.code, 1);
    assert.match(truncated.stderr, /Failed to import image 'cut'/);
    assert.equal((await machinectl('import-tar', join(scratch, 'missing.tar'), 'missing')).code, 1);
    assert.equal((await machinectl('import-fs', join(scratch, 'missing-dir'), 'missing')).code, 1);
    assert.deepEqual(storeEntries(), ['bb'], 'no image and no temporary left');
  });

  test('a raw image imports, exports and lists as raw', async () => {
    const raw = join(scratch, 'disk.raw');
    writeFileSync(raw, Buffer.alloc(64 * 1024, 7));
    spawnSync('xz', ['-k', '-0', raw]);
    assert.equal((await machinectl('import-raw', `${raw}.xz`)).code, 0);
    assert.match((await machinectl('list-images')).stdout, /^disk +raw +no +64\.0K /m);
    assert.equal((await machinectl('export-raw', 'disk', join(scratch, 'out.raw'))).code, 0);
    assert.deepEqual(statSync(join(scratch, 'out.raw')).size, 64 * 1024);
    assert.equal((await machinectl('read-only', 'disk')).code, 0);
    assert.match((await machinectl('list-images')).stdout, /^disk +raw +yes /m);
    assert.equal((await machinectl('read-only', 'disk', 'no')).code, 0);
    assert.equal((await machinectl('remove', 'disk')).code, 0);
  });

  test('the image of a running machine is neither removed nor renamed', async () => {
    // A registration naming this process as its supervisor: alive for as long as the test runs.
    mkdirSync(join(scratch, 'registry'), { recursive: true });
    writeFileSync(join(scratch, 'registry', 'busy'), JSON.stringify({ name: 'busy', class: 'container', directory: join(store, 'bb'), supervisorPid: process.pid, boot: false, uuid: 'x', cgroups: [], startedAt: new Date().toISOString() }));
    try {
      const rm = await machinectl('remove', 'bb');
      assert.equal(rm.code, 1);
      assert.match(rm.stderr, /Image 'bb' is in use by running machine 'busy'/);
      assert.equal((await machinectl('rename', 'bb', 'bb2')).code, 1);
    } finally {
      rmSync(join(scratch, 'registry', 'busy'));
    }
    assert.equal((await machinectl('remove', 'bb')).code, 0);
    assert.deepEqual(storeEntries(), []);
  });
});
