// `nsbox nspawn` on a busybox tree: each mount, capability and option fact, seen from inside.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { NSPAWN_DEFAULT_CAPABILITIES } from '../../src/nspawn/capabilities.js';
import { capabilityNumber } from '../../src/plan/capabilities.js';
import { inBox, nsbox, startNsbox } from './nspawn-cli.js';

const capMask = (caps: readonly number[]): string => caps.reduce((m, c) => m | (1n << BigInt(c)), 0n).toString(16).padStart(16, '0');
const hostBounding = (): bigint => BigInt(`0x${/CapBnd:\s*(\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
const mountLine = (mountinfo: string, point: string): string | undefined => mountinfo.split('\n').find((l) => l.split(' ')[4] === point);

describe('nsbox nspawn on a busybox tree', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let machine: string;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-nsp-');
    machine = basename(tree.root);
    mkdirSync(join(tree.root, 'srv'), { recursive: true });
    writeFileSync(join(tree.root, 'srv/in-tree'), 'tree\n');
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${machine}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  test('refuses a directory without usr/, and booting one without os-release', async () => {
    const empty = join(tree.root, 'srv/not-an-os');
    mkdirSync(empty, { recursive: true });
    const r = await nsbox(['nspawn', '-q', '-D', empty, '/bin/true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /doesn't look like it has an OS tree \(\/usr\/ directory is missing\)/);
    mkdirSync(join(empty, 'usr'));
    const boot = await nsbox(['nspawn', '-q', '-D', empty, '-b']);
    assert.equal(boot.code, 1);
    assert.match(boot.stderr, /doesn't look like an OS root directory \(os-release file is missing\)/);
    rmSync(empty, { recursive: true });
  });

  test('an option nspawn has but nsbox lacks is refused by name', async () => {
    const r = await nsbox(['nspawn', '-D', tree.root, '--network-veth', '/bin/true']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'nsbox nspawn: --network-veth is not supported yet\n');
  });

  test('the command is PID 1 and the only process, in new mount/uts/ipc/pid/cgroup namespaces, host network', async () => {
    const r = await inBox(tree.root, 'echo $$; echo /proc/[0-9]*; for n in mnt uts ipc pid cgroup net; do readlink /proc/self/ns/$n; done');
    const [pid, count, ...ns] = r.stdout.trim().split('\n');
    assert.equal(pid, '1');
    assert.equal(count, '/proc/1', 'the shell globbing /proc itself sees only itself');
    const host = (n: string): string => readlinkSync(`/proc/self/ns/${n}`);
    for (const [i, n] of ['mnt', 'uts', 'ipc', 'pid', 'cgroup'].entries()) assert.notEqual(ns[i], host(n), n);
    assert.equal(ns[5], host('net'));
  });

  test('/proc with read-only kernel knobs, /sys read-only, a private /dev, /run, /tmp as nspawn mounts them', async () => {
    const r = await inBox(tree.root, 'cat /proc/self/mountinfo');
    const m = r.stdout;
    assert.match(mountLine(m, '/proc')!, / rw,nosuid,nodev,noexec,.* - proc proc /);
    assert.match(mountLine(m, '/proc/sys')!, / ro,nosuid,nodev,noexec,/);
    assert.match(mountLine(m, '/sys')!, / ro,nosuid,nodev,noexec,.* - sysfs sysfs /);
    assert.match(mountLine(m, '/dev')!, / rw,nosuid,.* - tmpfs tmpfs rw,size=4096k,nr_inodes=65536,mode=755/);
    assert.match(mountLine(m, '/dev/pts')!, / - devpts devpts rw,gid=5,mode=620,ptmxmode=666/);
    assert.match(mountLine(m, '/dev/shm')!, / rw,nosuid,nodev,.* - tmpfs tmpfs .*nr_inodes=409600/);
    assert.match(mountLine(m, '/dev/mqueue')!, / - mqueue mqueue /);
    assert.match(mountLine(m, '/run')!, / rw,nosuid,nodev,.* - tmpfs tmpfs .*nr_inodes=819200,mode=755/);
    assert.match(mountLine(m, '/run/host')!, / ro,nosuid,nodev,noexec/);
    assert.match(mountLine(m, '/tmp')!, / rw,nosuid,nodev,.* - tmpfs tmpfs .*nr_inodes=409600/);
    assert.match(mountLine(m, '/sys/fs/cgroup')!, / ro,nosuid,nodev,noexec/);
    assert.match(mountLine(m, '/etc/localtime') ?? '', / ro,/, 'the host zone, bound read-only');
  });

  test('the container has a boot id of its own, a 0444 file on a read-only mount, as nspawn gives it', async () => {
    const r = await inBox(tree.root, 'cat /proc/sys/kernel/random/boot_id; stat -c %a /proc/sys/kernel/random/boot_id; grep boot_id /proc/self/mountinfo');
    const [bootId, mode, mount] = r.stdout.trim().split('\n');
    assert.match(mount ?? '', / ro,nosuid,nodev,noexec/);
    assert.match(bootId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.notEqual(bootId, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    assert.equal(mode, '444');
  });

  test('/dev holds the standard nodes and links; --pipe gives no /dev/console', async () => {
    const r = await inBox(tree.root, 'for f in null zero full random urandom tty net/tun; do stat -c "%n %a %t:%T" /dev/$f; done; readlink /dev/ptmx; readlink /dev/fd; readlink /dev/char/1:3; ls /dev/console 2>&1');
    assert.match(r.stdout, /\/dev\/null 666 1:3\n/);
    assert.match(r.stdout, /\/dev\/tty 666 5:0\n/);
    assert.match(r.stdout, /\/dev\/net\/tun 666 a:c8\n/);
    assert.match(r.stdout, /pts\/ptmx\n\/proc\/self\/fd\n..\/null\n/);
    assert.match(r.stdout, /No such file or directory/);
  });

  test('/run/host: the host os-release, the manager name and the container uuid, read-only', async () => {
    const r = await inBox(tree.root, 'cat /run/host/container-manager; cat /run/host/container-uuid; grep -c . /run/host/os-release; ls /run/host/inaccessible; touch /run/host/x 2>&1; echo "$container_uuid"');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'nsbox');
    assert.match(lines[1]!, /^[0-9a-f-]{36}$/);
    assert.equal(lines.at(-1), lines[1], 'container_uuid matches /run/host/container-uuid');
    assert.match(r.stdout, /blk\nchr\ndir\nfifo\nreg\n/);
    assert.match(r.stdout, /Read-only file system/);
  });

  test('capabilities: nspawn\'s default set within the host bounding set; a seccomp filter', async () => {
    const r = await inBox(tree.root, 'grep -E "^(CapBnd|CapEff|Seccomp):" /proc/self/status');
    const want = (BigInt(`0x${capMask(NSPAWN_DEFAULT_CAPABILITIES)}`) & hostBounding()).toString(16).padStart(16, '0');
    assert.match(r.stdout, new RegExp(`CapBnd:\\s+${want}\\n`));
    assert.match(r.stdout, new RegExp(`CapEff:\\s+${want}\\n`));
    assert.match(r.stdout, /Seccomp:\s+2/);
    const denied = await inBox(tree.root, 'swapoff /nothing; date -s 2001-01-01 >/dev/null');
    assert.match(denied.stderr, /swapoff: \/nothing: Operation not permitted/);
    assert.match(denied.stderr, /can't set date: Operation not permitted/);
  });

  test('--capability adds, --drop-capability removes', async () => {
    const r = await inBox(tree.root, 'grep CapBnd /proc/self/status', ['--capability=CAP_SYS_TIME', '--drop-capability=CAP_SYS_ADMIN,CAP_MKNOD']);
    const bnd = BigInt(`0x${/CapBnd:\s+(\w+)/.exec(r.stdout)![1]}`);
    const has = (name: string): boolean => ((bnd >> BigInt(capabilityNumber(name)!)) & 1n) === 1n;
    assert.ok(has('SYS_TIME'));
    assert.ok(!has('SYS_ADMIN') && !has('MKNOD'));
  });

  test('environment: container=nsbox, container_uuid, host ids, PATH/HOME/USER/LOGNAME/LANG; -E sets more', async () => {
    const r = await inBox(tree.root, 'env | sort', ['-E', 'FOO=bar', '--setenv=LANG=de_DE.UTF-8']);
    const env = r.stdout;
    for (const line of ['container=nsbox', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'USER=root', 'LOGNAME=root', 'FOO=bar', 'LANG=de_DE.UTF-8']) {
      assert.ok(env.split('\n').includes(line), `${line} in\n${env}`);
    }
    assert.match(env, /^container_host_id=\w+$/m);
    assert.match(env, /^container_uuid=[0-9a-f-]{36}$/m);
  });

  test('hostname: the machine name (the directory name by default), -M, --hostname', async () => {
    assert.equal((await inBox(tree.root, 'hostname')).stdout, `${machine}\n`);
    assert.equal((await inBox(tree.root, 'hostname', ['-M', 'other'])).stdout, 'other\n');
    assert.equal((await inBox(tree.root, 'hostname', ['--hostname=h1'])).stdout, 'h1\n');
  });

  test('RLIMIT_NOFILE soft limit 1024', async () => {
    assert.equal((await inBox(tree.root, 'ulimit -n')).stdout, '1024\n');
  });

  test('exit codes: the payload\'s own; 1 when exec fails, --chdir is bad or the user is unknown', async () => {
    assert.equal((await inBox(tree.root, 'exit 7')).code, 7);
    const noExec = await nsbox(['nspawn', '-q', '-P', '-D', tree.root, '/no/such/program']);
    assert.equal(noExec.code, 1);
    assert.match(noExec.stderr, /nsbox nspawn: .*No such file or directory/);
    const badDir = await inBox(tree.root, 'true', ['--chdir=/no/such/dir']);
    assert.equal(badDir.code, 1);
    assert.match(badDir.stderr, /No such file or directory/);
    const badUser = await inBox(tree.root, 'true', ['-u', 'ghost']);
    assert.equal(badUser.code, 1);
    assert.match(badUser.stderr, /failed to resolve user ghost/);
  });

  test('-u runs as the tree\'s user with its groups and home; --chdir changes directory', async () => {
    const r = await inBox(tree.root, 'id -u; id -g; id -G; pwd; echo $HOME $USER; grep CapEff /proc/self/status', ['-u', 'tester']);
    assert.deepEqual(r.stdout.trim().split('\n').slice(0, 5), ['1000', '1000', '1000 1001', '/home/tester', '/home/tester tester']);
    assert.match(r.stdout, /CapEff:\s+0{16}/);
    assert.equal((await inBox(tree.root, 'pwd', ['--chdir=/srv'])).stdout, '/srv\n');
  });

  test('--bind, --bind-ro and --tmpfs', async () => {
    const host = join(tree.root, 'srv/host-side');
    mkdirSync(host, { recursive: true });
    writeFileSync(join(host, 'f'), 'from host\n');
    const r = await inBox(tree.root, 'cat /rw/f; echo w > /rw/new; cat /ro/f; echo w > /ro/x 2>&1; grep " /scratch " /proc/self/mountinfo; cat /in/in-tree', [
      `--bind=${host}:/rw`, `--bind-ro=${host}:/ro`, '--tmpfs=/scratch:mode=0700,size=1M', '--bind-ro=+/srv:/in',
    ]);
    assert.match(r.stdout, /^from host\nfrom host\n/);
    assert.match(r.stdout + r.stderr, /Read-only file system/);
    assert.match(r.stdout, / - tmpfs tmpfs rw,size=1024k,.*mode=700/);
    assert.match(r.stdout, /tree\n$/);
    assert.equal(readFileSync(join(host, 'new'), 'utf8'), 'w\n');
  });

  test('--read-only: the root refuses writes, /tmp stays a writable tmpfs', async () => {
    const r = await inBox(tree.root, 'touch /etc/x 2>&1; touch /tmp/x && echo tmp-ok', ['--read-only']);
    assert.match(r.stdout, /Read-only file system/);
    assert.match(r.stdout, /tmp-ok/);
    assert.ok(!existsSync(join(tree.root, 'etc/x')));
  });

  test('--private-network: only lo, and CAP_NET_ADMIN kept', async () => {
    const r = await inBox(tree.root, 'ls /sys/class/net; grep CapBnd /proc/self/status', ['--private-network']);
    assert.match(r.stdout, /^lo\n/);
    const bnd = BigInt(`0x${/CapBnd:\s+(\w+)/.exec(r.stdout)![1]}`);
    assert.equal((bnd >> BigInt(capabilityNumber('NET_ADMIN')!)) & 1n, 1n);
  });

  test('--as-pid2: a stub init is PID 1 and the command PID 2', async () => {
    const r = await inBox(tree.root, 'echo $$; exit 5', ['--as-pid2']);
    assert.equal(r.stdout, '2\n');
    assert.equal(r.code, 5);
  });

  test('-x/--ephemeral: writes land in a throwaway overlay', async () => {
    const r = await inBox(tree.root, 'echo gone > /etc/ephemeral && cat /etc/ephemeral', ['-x']);
    assert.equal(r.stdout, 'gone\n');
    assert.ok(!existsSync(join(tree.root, 'etc/ephemeral')));
  });

  test('-M NAME without -D finds /var/lib/machines/NAME', async () => {
    const name = `nsbox-test-${process.pid}`;
    mkdirSync('/var/lib/machines', { recursive: true });
    symlinkSync(tree.root, `/var/lib/machines/${name}`);
    try {
      const r = await nsbox(['nspawn', '-q', '-P', '--register=no', '-M', name, '/bin/sh', '-c', 'hostname; cat /srv/in-tree']);
      assert.equal(r.stdout, `${name}\ntree\n`);
      const missing = await nsbox(['nspawn', '-q', '-M', `${name}-missing`]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no image for machine/);
    } finally {
      rmSync(`/var/lib/machines/${name}`);
    }
  });

  test('a running machine is registered under /run/nsbox/machines and unregistered after exit', async () => {
    const name = `reg-${process.pid}`;
    const file = `/run/nsbox/machines/${name}`;
    const running = startNsbox(['nspawn', '-q', '-P', '-M', name, '-D', tree.root, '/bin/sh', '-c', 'sleep 1']);
    let seen: { name: string; supervisorPid: number } | undefined;
    for (let i = 0; i < 40 && !seen; i++) {
      if (existsSync(file)) seen = JSON.parse(readFileSync(file, 'utf8')) as { name: string; supervisorPid: number };
      else await sleep(25);
    }
    assert.equal(seen?.name, name);
    assert.equal(seen?.supervisorPid, running.child.pid, 'the supervisor is the nsbox process, handed over');
    assert.equal((await running.done).code, 0);
    assert.ok(!existsSync(file));
  });

  test('SIGTERM to nsbox outside boot mode kills the payload: exit 1', async () => {
    const running = startNsbox(['nspawn', '-q', '-P', '--register=no', '-D', tree.root, '/bin/sh', '-c', 'echo up; sleep 30']);
    await new Promise<void>((resolve) => running.child.stdout!.once('data', () => resolve()));
    running.child.kill('SIGTERM');
    const r = await running.done;
    assert.equal(r.code, 1);
  });

  test('without --pipe and without a terminal the payload gets a pty and its output is relayed', async () => {
    const r = await nsbox(['nspawn', '-q', '--register=no', '-D', tree.root, '/bin/sh', '-c', 'tty; ls -l /dev/console | cut -c1']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\/dev\/(pts\/\d+|console)\nc\n$/);
  });

  test('-q silences the banner; without it nspawn\'s lines are printed', async () => {
    const loud = await nsbox(['nspawn', '--register=no', '-P', '-D', tree.root, '/bin/true']);
    assert.match(loud.stderr, new RegExp(`Spawning container ${machine} on ${tree.root}\\.`));
    const quiet = await nsbox(['nspawn', '-q', '--register=no', '-P', '-D', tree.root, '/bin/true']);
    assert.doesNotMatch(quiet.stderr, /Spawning/);
  });
});
