// /proc's kernel internals, hidden as nspawn 252's mount table hides them, tried from inside a
// busybox container as root and as an ordinary user, with the payload as PID 1 and under
// --as-pid2. Files this kernel lacks (kcore, sysrq-trigger without CONFIG_MAGIC_SYSRQ) must stay
// absent rather than appear as masks.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { PROC_HIDDEN_FILES } from '../../src/nspawn/api-mounts.js';
import { inBox } from './nspawn-cli.js';

/** Whether the host's file gives at least one byte: what there is to hide. */
function hostHasContent(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, Buffer.alloc(1)) === 1;
  } finally {
    closeSync(fd);
  }
}

describe('/proc masked as nspawn masks it', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  const present = PROC_HIDDEN_FILES.filter((f) => existsSync(`/proc/${f}`));
  const absent = PROC_HIDDEN_FILES.filter((f) => !existsSync(`/proc/${f}`));
  before(() => {
    tree = makeBusyboxTree('nsbox-procmask-');
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  test('the host has something to hide in the files this kernel has', () => {
    assert.ok(present.includes('keys') && present.includes('timer_list') && present.includes('kallsyms'), present.join(' '));
    // sysrq-trigger reads nothing even on the host; it is masked against writes.
    for (const f of present.filter((f) => f !== 'sysrq-trigger' && f !== 'kcore')) assert.ok(hostHasContent(`/proc/${f}`), f);
  });

  for (const options of [[], ['--as-pid2']]) {
    const label = options.length ? ' (--as-pid2)' : '';
    test(`root reads nothing and writes nothing; an ordinary user cannot open them${label}`, async () => {
      const script = [
        ...present.map((f) => `echo "${f} root: $(head -c 64 /proc/${f} | wc -c) bytes; $( (echo x > /proc/${f}) 2>&1 | sed 's/.*: //')"`),
        ...present.map((f) => `echo "${f} user: $(su tester -s /bin/sh -c "head -c1 /proc/${f}" 2>&1 | sed 's/.*: //')"`),
        ...absent.map((f) => `test -e /proc/${f} && echo "${f}: present" || echo "${f}: absent"`),
      ].join('; ');
      const r = await inBox(tree.root, script, options);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [
        ...present.map((f) => `${f} root: 0 bytes; Read-only file system`),
        ...present.map((f) => `${f} user: Permission denied`),
        ...absent.map((f) => `${f}: absent`),
      ]);
    });
  }

  test('each mask is its own read-only, nosuid, nodev, noexec mount, the hardware directories read-only binds of /proc', async () => {
    const r = await inBox(tree.root, 'cat /proc/self/mountinfo');
    assert.equal(r.code, 0, r.stderr);
    const mount = (point: string): string | undefined => r.stdout.split('\n').find((l) => l.split(' ')[4] === point);
    for (const f of present) assert.match(mount(`/proc/${f}`) ?? `no mount at /proc/${f}`, / ro,nosuid,nodev,noexec,/);
    for (const f of absent) assert.equal(mount(`/proc/${f}`), undefined);
    for (const dir of ['acpi', 'bus', 'fs', 'irq'].filter((d) => existsSync(`/proc/${d}`))) {
      assert.match(mount(`/proc/${dir}`) ?? `no mount at /proc/${dir}`, new RegExp(`^\\S+ \\S+ \\S+ /${dir} /proc/${dir} ro,nosuid,nodev,noexec,.* - proc proc `));
    }
  });
});
