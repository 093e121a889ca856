// The command line as a new user meets it, next to systemd-nspawn 252: where the default shell
// starts, trees refused and accepted (a file, a missing path, a chroot without os-release), what a
// non-root user is told, and `nsbox --version`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { needsRoot } from '../fixtures/plans.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { makeCgroupSlot, joinSlotScript } from '../fixtures/cgroup-slot.js';
import { nsbox, NSBOX_BIN, type CliResult } from './nspawn-cli.js';
import { haveNspawn } from './nspawn-reference.js';

let slots = 0;
/** systemd-nspawn with these arguments and this stdin, from a cgroup of its own. */
function reference(args: readonly string[], input = ''): Promise<CliResult> {
  const slot = makeCgroupSlot(`nsbox-ux-${process.pid}-${slots++}`);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', joinSlotScript(slot), 'sh', 'systemd-nspawn', '--register=no', '--keep-unit', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      slot.remove();
      // nspawn's complaint about /run/systemd/nspawn/propagate on a host whose /run is no tmpfs.
      resolve({ code, signal, stdout, stderr: stderr.split('\n').filter((l) => !l.startsWith('Attempted to remove disk file system')).join('\n') });
    });
  });
}

/** nspawn's message without nsbox's `nsbox nspawn: ` prefix. */
const message = (r: CliResult): string => r.stderr.replace(/^nsbox nspawn: /, '').trim();

describe('nsbox nspawn: the command line, next to systemd-nspawn', { skip: needsRoot || (!haveNspawn && 'systemd-nspawn is not installed') }, () => {
  let tree: BusyboxTree;
  before(() => {
    tree = makeBusyboxTree('nsbox-ux-');
  });
  after(() => tree.remove());

  test('the default shell starts in the home directory; a command in /', async () => {
    const script = 'pwd; echo "$0"\n';
    const ours = await nsbox(['nspawn', '-q', '--pipe', '--register=no', '-D', tree.root], script);
    const theirs = await reference(['-q', '--pipe', '-D', tree.root], script);
    assert.equal(theirs.stdout, '/root\n-sh\n', theirs.stderr);
    assert.equal(ours.stdout, theirs.stdout, ours.stderr);
    const command = await nsbox(['nspawn', '-q', '--pipe', '--register=no', '-D', tree.root, '/bin/pwd']);
    assert.equal(command.stdout, (await reference(['-q', '--pipe', '-D', tree.root, '/bin/pwd'])).stdout);
    assert.equal(command.stdout, '/\n');
  });

  test('a file, a missing path, and a tree without usr/ are refused in nspawn\'s words', async () => {
    const file = join(tree.root, 'etc/passwd');
    const missing = join(tree.root, 'no-such-dir');
    for (const path of [file, missing]) {
      const ours = await nsbox(['nspawn', '-q', '--register=no', '-D', path, '/bin/true']);
      const theirs = await reference(['-q', '-D', path, '/bin/true']);
      assert.equal(ours.code, 1);
      assert.equal(theirs.code, 1);
      assert.equal(message(ours), theirs.stderr.trim(), path);
    }
  });

  test('a chroot without os-release runs a command; booting it is refused', async () => {
    rmSync(join(tree.root, 'usr/lib/os-release'));
    rmSync(join(tree.root, 'etc/os-release'));
    try {
      const ours = await nsbox(['nspawn', '-q', '--pipe', '--register=no', '-D', tree.root, '/bin/echo', 'ran']);
      const theirs = await reference(['-q', '--pipe', '-D', tree.root, '/bin/echo', 'ran']);
      assert.equal(theirs.stdout, 'ran\n', theirs.stderr);
      assert.equal(ours.stdout, 'ran\n', ours.stderr);
      const oursBoot = await nsbox(['nspawn', '-q', '--register=no', '-D', tree.root, '-b']);
      const theirsBoot = await reference(['-q', '-D', tree.root, '-b']);
      assert.equal(oursBoot.code, 1);
      assert.equal(message(oursBoot), theirsBoot.stderr.trim());
    } finally {
      writeFileSync(join(tree.root, 'usr/lib/os-release'), 'ID=busybox\n');
      symlinkSync('../usr/lib/os-release', join(tree.root, 'etc/os-release'));
    }
  });

  test('a user who is not root is told so, and demo leaves no tree behind', async () => {
    const demoTrees = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('nsbox-demo-'));
    const before = demoTrees();
    const asNobody = (args: readonly string[]): Promise<CliResult> => new Promise((resolve, reject) => {
      const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', NSBOX_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
    for (const args of [['nspawn', '-D', tree.root, '/bin/true'], ['demo']]) {
      const r = await asNobody(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, 'Need to be root.\n', args.join(' '));
    }
    assert.equal((await asNobody(['nspawn', '--help'])).code, 0, 'help needs no root');
    assert.deepEqual(demoTrees(), before);
    assert.equal(existsSync(join(tree.root, 'no-such-dir')), false);
  });

  test('nsbox --version', async () => {
    const r = await nsbox(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^nsbox \d+\.\d+\.\d+ \(systemd 252 compatible\)\n$/);
  });
});
