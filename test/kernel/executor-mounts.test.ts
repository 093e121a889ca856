// The executor's file-system ops, checked from inside the sandbox.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/executor/run.js';
import { hostPath, rootPath } from '../../src/plan/types.js';
import { shellPlan, needsRoot, suiteTree } from '../fixtures/plans.js';

describe('executor mounts', { skip: needsRoot }, () => {
  const tree = suiteTree();
  before(() => {
    mkdirSync(join(tree.root, 'srv/sub'), { recursive: true });
    writeFileSync(join(tree.root, 'srv/file'), 'data\n');
  });

  test('spawn() gives new mount, uts, ipc and pid namespaces', async () => {
    const r = await run(shellPlan(tree.root, 'for n in mnt uts ipc pid net; do readlink /proc/self/ns/$n; done'));
    assert.deepEqual(r.status, { kind: 'exited', code: 0 });
    const [mnt, uts, ipc, pid, net] = r.stdout.trim().split('\n');
    const host = (n: string) => readlinkSync(`/proc/self/ns/${n}`);
    assert.notEqual(mnt, host('mnt'));
    assert.notEqual(uts, host('uts'));
    assert.notEqual(ipc, host('ipc'));
    assert.notEqual(pid, host('pid'));
    assert.equal(net, host('net'), 'no net namespace was asked for');
  });

  test('net and cgroup namespaces: only loopback, and it is up', async () => {
    const r = await run(shellPlan(tree.root, 'readlink /proc/self/ns/net; readlink /proc/self/ns/cgroup; cat /proc/net/dev | tail -n +3 | cut -d: -f1; ip link show lo', {
      plan: { namespaces: ['mount', 'uts', 'ipc', 'net', 'cgroup'] },
    }));
    const [net, cgroup, ...rest] = r.stdout.trim().split('\n');
    assert.notEqual(net, readlinkSync('/proc/self/ns/net'));
    assert.notEqual(cgroup, readlinkSync('/proc/self/ns/cgroup'));
    assert.equal(rest[0]?.trim(), 'lo');
    assert.match(rest.join('\n'), /<LOOPBACK,UP,LOWER_UP>/);
  });

  test('bind read-only: writes fail with EROFS, reads work', async () => {
    const r = await run(shellPlan(tree.root, 'cat /data/file; echo x > /data/new 2>&1 || echo denied', {
      ops: [{ kind: 'bind', source: hostPath(join(tree.root, 'srv')), target: rootPath('/data'), recursive: true, flags: { readOnly: true }, optional: false, create: 'dir' }],
    }));
    assert.match(r.stdout, /^data\n/);
    assert.match(r.stdout + r.stderr, /Read-only file system/);
  });

  test('remount recursive read-only reaches submounts', async () => {
    const r = await run(shellPlan(tree.root, 'touch /srv/sub/a 2>&1; touch /srv/b 2>&1; grep " /srv" /proc/self/mountinfo', {
      ops: [
        { kind: 'bind', source: rootPath('/srv'), target: rootPath('/srv'), recursive: false, flags: {}, optional: false, create: 'no' },
        { kind: 'tmpfs', target: rootPath('/srv/sub'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'remount', target: rootPath('/srv'), recursive: true, flags: { readOnly: true }, optional: false },
      ],
    }));
    const lines = r.stdout.trim().split('\n').filter((l) => / - /.test(l));
    assert.equal(lines.length, 2, r.stdout);
    for (const line of lines) assert.match(line, / ro[ ,]/);
    assert.equal((r.stdout.match(/Read-only file system/g) ?? []).length, 2);
  });

  test('remount recursive read-only spares excluded submounts and what is below them', async () => {
    const r = await run(shellPlan(tree.root, 'touch /srv/sub/a && echo sub-writable; touch /srv/b 2>&1; grep " /srv" /proc/self/mountinfo', {
      ops: [
        { kind: 'bind', source: rootPath('/srv'), target: rootPath('/srv'), recursive: false, flags: {}, optional: false, create: 'no' },
        { kind: 'tmpfs', target: rootPath('/srv/sub'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'tmpfs', target: rootPath('/srv/sub/deeper'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'remount', target: rootPath('/srv'), recursive: true, flags: { readOnly: true }, optional: false, exclude: [rootPath('/srv/sub')] },
      ],
    }));
    assert.match(r.stdout, /^sub-writable\n/);
    assert.match(r.stdout, /Read-only file system/);
    const flags = Object.fromEntries(r.stdout.split('\n').filter((l) => / - /.test(l)).map((l) => [l.split(' ')[4], l.split(' ')[5]?.split(',')[0]]));
    assert.deepEqual(flags, { '/srv': 'ro', '/srv/sub': 'rw', '/srv/sub/deeper': 'rw' });
  });

  test('remount of a path that is not a mount point fails instead of changing its parent mount', async () => {
    await assert.rejects(
      run(shellPlan(tree.root, 'true', { ops: [{ kind: 'remount', target: rootPath('/srv'), recursive: true, flags: { readOnly: true }, optional: false }] })),
      { code: 'SANDBOX_SETUP', message: 'remount /srv: Invalid argument' },
    );
  });

  test('tmpfs with size and mode', async () => {
    const r = await run(shellPlan(tree.root, 'stat -c %a /scratch; grep " /scratch " /proc/self/mountinfo', {
      ops: [{ kind: 'tmpfs', target: rootPath('/scratch'), mode: 0o710, sizeBytes: 1 << 20, flags: { nosuid: true, nodev: true }, create: 'dir' }],
    }));
    assert.match(r.stdout, /^710\n/);
    assert.match(r.stdout, /nosuid,nodev.* - tmpfs tmpfs .*size=1024k/);
  });

  test('proc, read-only sysfs, devpts, mqueue and cgroup2', async () => {
    const r = await run(shellPlan(tree.root, 'cat /proc/self/mountinfo; touch /sys/x 2>&1; ls /dev/pts', {
      ops: [
        { kind: 'sysfs', target: rootPath('/sys'), flags: { readOnly: true, nosuid: true, nodev: true, noexec: true } },
        { kind: 'tmpfs', target: rootPath('/dev'), mode: 0o755, flags: { nosuid: true }, create: 'dir' },
        { kind: 'devpts', target: rootPath('/dev/pts'), ptmxMode: 0o666, mode: 0o620, gid: 5, flags: { nosuid: true, noexec: true } },
        { kind: 'mqueue', target: rootPath('/dev/mqueue'), flags: {} },
        { kind: 'cgroup2', target: rootPath('/sys/fs/cgroup'), flags: { readOnly: true } },
      ],
    }));
    assert.match(r.stdout, / \/sys ro,.* - sysfs sysfs /);
    assert.match(r.stdout, / \/dev\/pts .* - devpts devpts rw,.*mode=620,ptmxmode=666/);
    assert.match(r.stdout, / \/dev\/mqueue .* - mqueue mqueue /);
    assert.match(r.stdout, / \/sys\/fs\/cgroup ro,.* - cgroup2 cgroup2 /);
    assert.match(r.stdout, /Read-only file system/);
  });

  test('inaccessible over a directory and a file: empty, mode 000, read-only', async () => {
    writeFileSync(join(tree.root, 'srv/secret'), 'secret\n');
    const r = await run(shellPlan(tree.root, 'stat -c "%a %F" /srv /etc/passwd; ls -A /srv | wc -l; wc -c < /etc/passwd; touch /srv/x 2>&1', {
      ops: [
        { kind: 'inaccessible', target: rootPath('/srv'), optional: false },
        { kind: 'inaccessible', target: rootPath('/etc/passwd'), optional: false },
        { kind: 'inaccessible', target: rootPath('/missing'), optional: true },
      ],
    }));
    const [dir, file, entries, bytes] = r.stdout.trim().split('\n');
    assert.equal(dir, '0 directory');
    assert.equal(file, '0 regular empty file');
    assert.equal(entries?.trim(), '0');
    assert.equal(bytes?.trim(), '0');
    assert.match(r.stdout, /Read-only file system/);
  });

  test('bind-content puts a file of its own over a path, read-only, writing nothing to the tree', async () => {
    const r = await run(shellPlan(tree.root, 'cat /proc/sys/kernel/random/boot_id; stat -c %a /proc/sys/kernel/random/boot_id; cat /etc/motd; (echo x > /etc/motd) 2>&1', {
      ops: [
        { kind: 'bind-content', target: rootPath('/proc/sys/kernel/random/boot_id'), content: new TextEncoder().encode('01234567-89ab-cdef-0123-456789abcdef\n'), mode: 0o444, flags: { readOnly: true, nosuid: true, nodev: true, noexec: true } },
        { kind: 'bind-content', target: rootPath('/etc/motd'), content: new TextEncoder().encode('hello\n'), mode: 0o644, flags: { readOnly: true } },
      ],
    }));
    assert.match(r.stdout, /^01234567-89ab-cdef-0123-456789abcdef\n444\nhello\n.*Read-only file system/);
    assert.equal(existsSync(join(tree.root, 'etc/motd')), true, 'the missing target was created as a mount point');
    assert.equal(readFileSync(join(tree.root, 'etc/motd'), 'utf8'), '', 'and nothing was written to the tree');
    rmSync(join(tree.root, 'etc/motd'));
  });

  test('the pre-6.15 clone path (staging on the root) gives the same inaccessible file and bound content', async () => {
    process.env['NSBOX_LEGACY_MOUNT_CLONE'] = '1';
    try {
      const r = await run(shellPlan(tree.root, 'stat -c "%a %F" /etc/passwd; cat /etc/issue; awk \'$5 == "/"\' /proc/self/mountinfo | grep -c tmpfs || true', {
        ops: [
          { kind: 'inaccessible', target: rootPath('/etc/passwd'), optional: false },
          { kind: 'bind-content', target: rootPath('/etc/issue'), content: new TextEncoder().encode('legacy\n'), mode: 0o644, flags: {} },
        ],
      }));
      assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
      assert.equal(r.stdout, '0 regular empty file\nlegacy\n0\n', 'and the staging tmpfs is gone from the root');
    } finally {
      delete process.env['NSBOX_LEGACY_MOUNT_CLONE'];
      rmSync(join(tree.root, 'etc/issue'), { force: true });
    }
  });

  test('mkdir -p, symlink, write-file, mknod and chmod inside the root', async () => {
    const r = await run(shellPlan(tree.root, 'stat -c "%a %F" /a/b/c; readlink /link; cat /a/note; stat -c "%a %t:%T %F" /a/null; stat -c %a /a', {
      ops: [
        { kind: 'tmpfs', target: rootPath('/a'), mode: 0o755, flags: {}, create: 'dir' },
        { kind: 'mkdir', path: rootPath('/a/b/c'), mode: 0o700, parents: true },
        { kind: 'symlink', path: rootPath('/link'), linkTarget: '/a/b' },
        { kind: 'write-file', path: rootPath('/a/note'), content: new TextEncoder().encode('hello\n'), mode: 0o600 },
        { kind: 'mknod', path: rootPath('/a/null'), type: 'char', major: 1, minor: 3, mode: 0o666 },
        { kind: 'chmod', path: rootPath('/a'), mode: 0o711 },
      ],
    }));
    assert.equal(r.stdout, '700 directory\n/a/b\nhello\n666 1:3 character special file\n711\n');
    assert.equal(lstatSync(join(tree.root, 'link')).isSymbolicLink(), true, 'the symlink was made in the tree');
    rmSync(join(tree.root, 'link'));
  });

  test('a device bound from the host works', async () => {
    const r = await run(shellPlan(tree.root, 'echo gone > /dev/null && echo ok', {
      ops: [
        { kind: 'tmpfs', target: rootPath('/dev'), mode: 0o755, flags: { nosuid: true }, create: 'dir' },
        { kind: 'bind', source: hostPath('/dev/null'), target: rootPath('/dev/null'), recursive: false, flags: {}, optional: false, create: 'like-source' },
      ],
    }));
    assert.equal(r.stdout, 'ok\n');
  });

  test('propagation private on the root shows no shared peer group', async () => {
    const r = await run(shellPlan(tree.root, 'grep " / / " /proc/self/mountinfo', {
      ops: [{ kind: 'propagation', target: rootPath('/'), mode: 'private', recursive: true }],
    }));
    assert.doesNotMatch(r.stdout, /shared:|master:/);
  });
});
