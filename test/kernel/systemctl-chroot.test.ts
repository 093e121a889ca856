// `nsbox systemctl` inside a real chroot (the busybox tree, with the host's /usr bound read-only
// for node and systemctl), side by side with systemctl 252 in the same chroot: the verbs that
// need the manager print "Running in chroot, ignoring command 'VERB'" and exit 0, the unit-file
// verbs act on the chroot's own /etc. A running nsbox daemon's socket is reachable in the chroot
// (its runtime directory is bound at the same path) and must not be used. The chroot runs in a
// PID namespace of its own, so PID 1's root can be read (on hosts where the real PID 1's cannot,
// neither systemd nor nsbox could tell a chroot: test/kernel/detect-virt.test.ts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { NSBOX_BIN } from './nspawn-cli.js';

const top = dirname(dirname(NSBOX_BIN));
const hasReference = spawnSync('systemctl', ['--version']).status === 0;
const skip = needsRoot || (!hasReference && 'systemctl is not installed');

const STEPS = [
  'start foo', 'stop foo', 'restart foo', 'reload foo', 'try-restart foo', 'status foo', 'show -p ActiveState foo', 'cat foo', 'is-active foo', 'is-failed foo',
  'kill foo', 'reset-failed', 'list-units', 'list-jobs', 'daemon-reload', 'is-system-running',
  'enable foo', 'is-enabled foo', 'list-unit-files', 'disable foo', 'is-enabled foo', 'mask foo', 'is-enabled foo', 'unmask foo', 'reenable foo', 'enable --now bar',
  'start', 'daemon-reload extra',
];

describe('nsbox systemctl in a chroot, against systemctl 252 in the same chroot', { skip }, () => {
  let scratch: string;
  let tree: BusyboxTree;
  let daemon: ChildProcess;
  let daemonEnv: NodeJS.ProcessEnv;
  let daemonLog = '';

  const hostSystemctl = (...args: string[]) => spawnSync(process.execPath, [NSBOX_BIN, 'systemctl', ...args], { env: daemonEnv, encoding: 'utf8' });

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'nsbox-chroot-'));
    tree = makeBusyboxTree('nsbox-chroot-tree-');
    const root = tree.root;
    // The host's /usr (node, systemctl and their libraries) bound over the tree's; lib links as on merged /usr.
    for (const l of ['lib', 'lib64']) symlinkSync(`usr/${l}`, join(root, l));
    mkdirSync(join(root, top), { recursive: true });
    const etc = join(root, 'etc/systemd/system');
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'foo.service'), '[Unit]\nDescription=Foo in the chroot\n[Service]\nExecStart=/bin/sleep 3600\n[Install]\nWantedBy=multi-user.target\nAlias=foo-alias.service\n');
    writeFileSync(join(etc, 'bar.service'), '[Service]\nExecStart=/bin/sleep 3600\n[Install]\nWantedBy=multi-user.target\n');
    cpSync(etc, join(root, 'etc/systemd/system.orig'), { recursive: true });
    // The host's daemon, with a foo.service of its own.
    const units = join(scratch, 'units');
    mkdirSync(units);
    writeFileSync(join(units, 'foo.service'), '[Service]\nExecStart=/bin/sleep 3600\n');
    daemonEnv = { ...process.env, SYSTEMD_UNIT_PATH: units, NSBOX_RUNTIME_DIR: join(scratch, 'run'), NSBOX_STATE_DIR: join(scratch, 'state') };
    daemon = spawn(process.execPath, [NSBOX_BIN, 'daemon'], { env: daemonEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    daemon.stderr!.setEncoding('utf8').on('data', (d: string) => (daemonLog += d));
    const socket = join(scratch, 'run/manager.sock');
    for (let i = 0; i < 200 && !existsSync(socket); i++) await sleep(25);
    assert.ok(existsSync(socket), `the daemon listens: ${daemonLog}`);
    mkdirSync(join(root, scratch, 'run'), { recursive: true });
  });

  after(async () => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
    tree.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('manager verbs ignored, unit-file verbs on the chroot\'s /etc: the same output, exit codes and links as systemctl; detect-virt --chroot agrees', () => {
    const root = tree.root;
    const runtime = join(scratch, 'run');
    const label = (tool: string): string => (tool === 'systemctl' ? 'ref' : 'nsbox');
    const inner = [
      'cd /',
      ...['systemctl', `node ${NSBOX_BIN} systemctl`].flatMap((tool) => [
        'rm -rf /etc/systemd/system && cp -a /etc/systemd/system.orig /etc/systemd/system',
        `echo "=== ${label(tool)}"`,
        ...STEPS.map((s) => `echo "### ${s}"; ${tool} ${s} 2>&1; echo "rc=$?"`),
        'find /etc/systemd/system | sort | while read f; do if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f"; fi; done',
      ]),
      '=== end',
      'systemd-detect-virt --chroot; echo "detect ref $?"',
      `node ${NSBOX_BIN} detect-virt --chroot; echo "detect nsbox $?"`,
      // The daemon's socket is there: only the chroot rule keeps the verbs away from it.
      `SYSTEMD_IGNORE_CHROOT=1 node ${NSBOX_BIN} systemctl is-active foo; echo "reachable $?"`,
    ].join('\n').replace('=== end', 'echo "=== end"');
    const script = [
      'set -e',
      `mount --rbind /usr ${root}/usr`, `mount -o remount,bind,ro ${root}/usr`,
      `mount -t proc proc ${root}/proc`, `mount --rbind /dev ${root}/dev`,
      `mount --bind ${top} ${root}${top}`, `mount --bind ${runtime} ${root}${runtime}`,
      // Not exec: PID 1 of the namespace (this shell) keeps the real root, as PID 1 does outside.
      `chroot ${root} /usr/bin/env -i PATH=/usr/bin:/bin NSBOX_RUNTIME_DIR=${runtime} /bin/sh -c '${inner.replaceAll("'", `'\\''`)}'`,
    ].join('\n');
    const r = spawnSync('unshare', ['-m', '-p', '-f', '--mount-proc', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', timeout: 240_000 });
    assert.equal(r.status, 0, r.stderr);
    const [, ref, rest] = r.stdout.split(/^=== (?:ref|nsbox)\n/m);
    const [ours, tail] = (rest ?? '').split(/^=== end\n/m);
    assert.ok(ref !== undefined && ours !== undefined && tail !== undefined, r.stdout + r.stderr);
    // systemctl itself in this chroot: the rule is what the comparison is about.
    assert.match(ref, /### start foo\nRunning in chroot, ignoring command 'start'\nrc=0/);
    assert.match(ref, /### enable foo\nCreated symlink \/etc\/systemd\/system\/foo-alias\.service → \/etc\/systemd\/system\/foo\.service\./);
    assert.deepEqual(ours.split('\n'), ref.split('\n'));
    assert.match(tail, /^detect ref 0\ndetect nsbox 0\n/);
    assert.match(tail, /^inactive\nreachable 3$/m);
    // The host's manager saw none of it: foo never started, no job reached it.
    const journal = spawnSync(process.execPath, [NSBOX_BIN, 'journalctl', '-u', 'foo.service', '--no-pager'], { env: daemonEnv, encoding: 'utf8' });
    assert.doesNotMatch(journal.stdout, /Start|Stop/);
    const active = hostSystemctl('is-active', 'foo.service');
    assert.equal(active.stdout, 'inactive\n');
  });
});
