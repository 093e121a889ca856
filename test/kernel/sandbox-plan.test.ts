// Plans from planCommand() run for real by the executor, checked from inside the sandbox.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/executor/run.js';
import { planCommand, type PlanFacts } from '../../src/sandbox/plan-command.js';
import { defaultExecSettings, type ExecSettings } from '../../src/unit/exec-settings.js';
import { noPrefixes } from '../../src/unit/exec-command.js';
import type { UserDatabase } from '../../src/sandbox/credentials.js';
import { SandboxSetupError } from '../../src/errors.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';

/** The tree's /etc/passwd and /etc/group as a UserDatabase (the edge's job in production). */
function treeUserDb(root: string): UserDatabase {
  const rows = (f: string) => readFileSync(join(root, f), 'utf8').split('\n').filter(Boolean).map((l) => l.split(':'));
  const passwd = rows('etc/passwd');
  const group = rows('etc/group');
  return {
    user: (n) => {
      const r = passwd.find((u) => u[0] === n || u[2] === n);
      return r ? { name: r[0] as string, uid: Number(r[2]), gid: Number(r[3]), home: r[5] as string, shell: r[6] as string } : undefined;
    },
    group: (n) => {
      const r = group.find((g) => g[0] === n || g[2] === n);
      return r ? { name: r[0] as string, gid: Number(r[2]) } : undefined;
    },
    memberships: (name) => group.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2])),
  };
}

describe('sandbox plans', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let unitTmp: string;
  let facts: PlanFacts;
  before(() => {
    tree = makeBusyboxTree();
    for (const d of ['srv/rw', 'srv/secret/inner', 'var/cache', 'var/lib/app']) mkdirSync(join(tree.root, d), { recursive: true });
    writeFileSync(join(tree.root, 'srv/secret/key'), 'k\n');
    unitTmp = mkdtempSync(join(tmpdir(), 'nsbox-unit-'));
    mkdirSync(join(unitTmp, 'tmp'), { mode: 0o1777 });
    mkdirSync(join(unitTmp, 'var-tmp'), { mode: 0o1777 });
    const capPrm = /CapPrm:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
    const held = [...Array(64).keys()].filter((i) => (BigInt(`0x${capPrm}`) >> BigInt(i)) & 1n);
    facts = { userDatabase: treeUserDb(tree.root), availableCapabilities: held, privateTmpDirs: { tmp: join(unitTmp, 'tmp'), varTmp: join(unitTmp, 'var-tmp') } };
  });
  after(() => {
    tree.remove();
    rmSync(unitTmp, { recursive: true, force: true });
  });

  const sh = (over: Partial<ExecSettings>, script: string, kind: 'ExecStart' | 'ExecStartPre' = 'ExecStart') =>
    run(planCommand({ ...defaultExecSettings, rootDirectory: tree.root, ...over },
      { kind, path: '/bin/sh', argv: ['/bin/sh', '-c', script], prefixes: noPrefixes }, facts).plan);

  test('ProtectSystem=strict: / is read-only, ReadWritePaths=+ and private /tmp are writable', async () => {
    const r = await sh({ protectSystem: 'strict', privateTmp: true, readWritePaths: [{ path: '/srv/rw', ignoreMissing: false, relativeToRoot: true }] },
      'touch /etc/x 2>/dev/null && echo etc-rw || echo etc-ro; touch /srv/rw/x && echo rw-ok; echo t > /tmp/mark && echo tmp-ok; ' +
      'touch /run/x 2>/dev/null && echo run-rw || echo run-ro; ls /proc/self/ >/dev/null && echo proc-ok');
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['etc-ro', 'rw-ok', 'tmp-ok', 'run-rw', 'proc-ok']);
    assert.ok(existsSync(join(unitTmp, 'tmp/mark')), 'the private /tmp is the unit\'s directory');
    assert.ok(!existsSync(join(tree.root, 'tmp/mark')));
  });

  test('InaccessiblePaths=+ hides the path and everything listed below it', async () => {
    const r = await sh({
      inaccessiblePaths: [{ path: '/srv/secret', ignoreMissing: false, relativeToRoot: true }],
      readWritePaths: [{ path: '/srv/secret/inner', ignoreMissing: false, relativeToRoot: true }],
    }, 'cat /srv/secret/key 2>/dev/null || echo hidden; ls /srv/secret/inner 2>/dev/null || echo inner-hidden');
    assert.deepEqual(r.stdout.trim().split('\n'), ['hidden', 'inner-hidden']);
  });

  test('TemporaryFileSystem= gives an empty tmpfs of mode 0755', async () => {
    writeFileSync(join(tree.root, 'var/cache/old'), '');
    const r = await sh({ temporaryFileSystem: [{ path: '/var/cache', options: '' }] }, 'ls -A /var/cache; stat -c %a /var/cache; grep " /var/cache " /proc/self/mountinfo | grep -c tmpfs');
    assert.deepEqual(r.stdout.trim().split('\n'), ['755', '1']);
  });

  test('PrivateDevices= gives a read-only /dev with only harmless nodes', async () => {
    const r = await sh({ privateDevices: true }, 'echo x > /dev/null && echo null-ok; ls /dev | tr "\\n" " "; echo; touch /dev/new 2>/dev/null && echo dev-rw || echo dev-ro; echo > /dev/shm/x && echo shm-rw',
    );
    const [nullOk, listing, devRo, shm] = r.stdout.trim().split('\n');
    assert.equal(nullOk, 'null-ok');
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    const caps = await sh({ privateDevices: true }, 'grep CapBnd /proc/self/status');
    const bnd = BigInt(`0x${caps.stdout.trim().split(/\s+/)[1]}`);
    assert.equal((bnd >> 27n) & 1n, 0n, 'CAP_MKNOD dropped');
    assert.equal((bnd >> 17n) & 1n, 0n, 'CAP_SYS_RAWIO dropped');
    for (const n of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm']) assert.ok(listing?.split(' ').includes(n), `${n} in ${listing}`);
    assert.ok(!/\b(sda|vda|nvme0|mem|kmsg)\b/.test(listing ?? ''), listing);
    assert.equal(devRo, 'dev-ro');
    assert.equal(shm, 'shm-rw');
  });

  test('User= runs with the tree\'s ids and sets USER/HOME; without User= neither is set', async () => {
    const r = await sh({ user: 'tester' }, 'id -u; id -g; echo $USER $HOME');
    assert.deepEqual(r.stdout.trim().split('\n'), ['1000', '1000', 'tester /home/tester']);
    const r2 = await sh({}, 'echo "[$USER$HOME]"');
    assert.equal(r2.stdout.trim(), '[]');
  });

  test('a missing ReadOnlyPaths= entry fails the start; with "-" it is skipped', async () => {
    const missing = { path: '/srv/none', ignoreMissing: false, relativeToRoot: true };
    await assert.rejects(sh({ readOnlyPaths: [missing] }, 'true'), SandboxSetupError);
    const r = await sh({ readOnlyPaths: [{ ...missing, ignoreMissing: true }] }, 'echo ok');
    assert.equal(r.stdout.trim(), 'ok');
  });

  test('RootDirectoryStartOnly= runs ExecStartPre= on the host', async () => {
    const r = await sh({ rootDirectoryStartOnly: true }, `test -e ${tree.root}/bin/busybox && echo host`, 'ExecStartPre');
    assert.equal(r.stdout.trim(), 'host');
  });

  test('PrivateNetwork= gives a network namespace with only lo, and lo is up', async () => {
    const r = await sh({ privateNetwork: true }, 'ip -o link | cut -d: -f2 | tr -d " "; ip -o link show lo | grep -q "state UNKNOWN\\|,UP" && echo lo-up');
    assert.deepEqual(r.stdout.trim().split('\n'), ['lo', 'lo-up']);
  });
});
