// --inaccessible, --overlay, --overlay-ro, --rlimit, --oom-score-adjust, --no-new-privileges,
// --ambient-capability, --uuid, --personality and --cpu-affinity on a busybox tree, seen from inside the
// container; each one side by side with systemd-nspawn 252 running the same script with the same
// options on the same tree, where nspawn can run here.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { makeBusyboxTree, mergeUsr, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { inBox } from './nspawn-cli.js';
import { haveNspawn, nspawn, sideBySide } from './nspawn-reference.js';

/** A mount point's first option and type; the optional fields before " - " differ (nspawn's are shared:N). */
const mountOf = (point: string): string => `awk '$5 == "${point}"' /proc/self/mountinfo | sed -E 's/^([^ ]+ ){5}([^, ]+)[^-]* - ([^ ]+).*/\\2 \\3/'`;

describe('nsbox nspawn options for masks, overlays and the payload\'s process settings', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let layers: string;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-opt-');
    layers = mkdtempSync(join(tmpdir(), 'nsbox-layers-'));
    mkdirSync(join(tree.root, 'srv/mask/dir'), { recursive: true });
    writeFileSync(join(tree.root, 'srv/mask/file'), 'secret\n');
    writeFileSync(join(tree.root, 'srv/mask/dir/inner'), 'secret\n');
    execFileSync('mkfifo', [join(tree.root, 'srv/mask/fifo')]);
    // nspawn -u asks getent inside the container, which busybox lacks.
    writeFileSync(join(tree.root, 'usr/bin/getent'), '#!/bin/sh\ncase "$1" in\npasswd) grep "^$2:" /etc/passwd ;;\ninitgroups) echo "$2 $(grep "^$2:" /etc/passwd | cut -d: -f4)" ;;\n*) exit 2 ;;\nesac\n');
    chmodSync(join(tree.root, 'usr/bin/getent'), 0o755);
    snapshot = takeSnapshot({ paths: [tree.root, layers], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root, layers] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
    rmSync(layers, { recursive: true, force: true });
  });

  /** Fresh host directories for one overlay test: NAME -> its files. */
  function makeLayers(spec: Readonly<Record<string, Readonly<Record<string, string>>>>): Record<string, string> {
    const dir = mkdtempSync(join(layers, 'case-'));
    const paths: Record<string, string> = {};
    for (const [name, files] of Object.entries(spec)) {
      paths[name] = join(dir, name);
      mkdirSync(paths[name]!);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(paths[name]!, file), text);
    }
    return paths;
  }

  test('--inaccessible: a file, a directory and a FIFO become empty mode-000 nodes of their type, read-only', async () => {
    const script = 'stat -c "%n %a %F" /srv/mask/file /srv/mask/dir /srv/mask/fifo; ls -A /srv/mask/dir | wc -l; wc -c < /srv/mask/file; touch /srv/mask/dir/x 2>&1 | sed "s/.*: //"';
    const out = await sideBySide(tree.root, script, ['--inaccessible=/srv/mask/file', '--inaccessible=/srv/mask/dir', '--inaccessible=/srv/mask/fifo'], { inaccessibleNodes: true });
    assert.equal(out, '/srv/mask/file 0 regular empty file\n/srv/mask/dir 0 directory\n/srv/mask/fifo 0 fifo\n0\n0\nRead-only file system\n');
    assert.equal(readFileSync(join(tree.root, 'srv/mask/file'), 'utf8'), 'secret\n', 'the tree is untouched');
  });

  test('--inaccessible: a path missing in the tree fails the start, as in nspawn', async () => {
    const r = await inBox(tree.root, 'true', ['--inaccessible=/srv/no-such-thing']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'nsbox nspawn: make /srv/no-such-thing inaccessible: No such file or directory\n');
    if (haveNspawn) assert.equal((await nspawn(tree.root, 'true', ['--inaccessible=/srv/no-such-thing'], { inaccessibleNodes: true })).code, 1);
  });

  test('--overlay=LOWER:LOWER:UPPER:PATH: the layers stacked in order, writes land in UPPER, its work directory is gone after', async () => {
    for (const run of haveNspawn ? ['nsbox', 'nspawn'] : ['nsbox']) {
      const l = makeLayers({ low: { a: 'low\n', b: 'low\n' }, mid: { b: 'mid\n' }, up: {} });
      const options = [`--overlay=${l['low']}:${l['mid']}:${l['up']}:/srv/ov`];
      const script = 'ls /srv/ov; cat /srv/ov/b; echo new > /srv/ov/c; grep " /srv/ov " /proc/self/mountinfo | grep -o " - overlay overlay rw,"';
      const r = run === 'nsbox' ? await inBox(tree.root, script, options) : await nspawn(tree.root, script, options);
      assert.equal(r.code, 0, `${run}: ${r.stderr}`);
      assert.equal(r.stdout, 'a\nb\nmid\n - overlay overlay rw,\n', run);
      assert.equal(readFileSync(join(l['up']!, 'c'), 'utf8'), 'new\n', `${run}: the write is in UPPER`);
      assert.deepEqual(readdirSync(join(l['up']!, '..')).sort(), ['low', 'mid', 'up'], `${run}: no work directory left beside UPPER`);
    }
  });

  test('--overlay=+PATH::PATH: a throwaway upper layer over a directory of the tree; the tree and the host keep nothing', async () => {
    mkdirSync(join(tree.root, 'srv/data'), { recursive: true });
    writeFileSync(join(tree.root, 'srv/data/kept'), 'tree\n');
    const varTmp = readdirSync('/var/tmp').sort();
    const out = await sideBySide(tree.root, 'echo gone > /srv/data/new; rm /srv/data/kept; ls -A /srv/data', ['--overlay=+/srv/data::/srv/data']);
    assert.equal(out, 'new\n');
    assert.deepEqual(readdirSync(join(tree.root, 'srv/data')), ['kept']);
    assert.deepEqual(readdirSync('/var/tmp').sort(), varTmp, 'nothing left where nspawn keeps its throwaway layers');
  });

  test('--overlay-ro: UPPER on top of the lowers, read-only; an empty UPPER is an empty top layer', async () => {
    const l = makeLayers({ low: { a: 'low\n', b: 'low\n' }, up: { b: 'up\n', c: 'up\n' } });
    const script = 'ls /srv/ro; cat /srv/ro/b; touch /srv/ro/x 2>&1 | sed "s/.*: //"';
    assert.equal(await sideBySide(tree.root, script, [`--overlay-ro=${l['low']}:${l['up']}:/srv/ro`]), 'a\nb\nc\nup\nRead-only file system\n');
    assert.equal(await sideBySide(tree.root, 'ls /srv/ro', [`--overlay-ro=${l['low']}::/srv/ro`]), 'a\nb\n');
    assert.deepEqual(readdirSync(join(l['up']!, '..')).sort(), ['low', 'up']);
  });

  test('--overlay=LOWER:+UPPER: two paths mount UPPER at its own path, here inside the tree', async () => {
    const l = makeLayers({ low: { a: 'low\n' } });
    mkdirSync(join(tree.root, 'srv/up2'), { recursive: true });
    const out = await sideBySide(tree.root, 'echo w > /srv/up2/w; ls /srv/up2', [`--overlay=${l['low']}:+/srv/up2`]);
    assert.equal(out, 'a\nw\n');
    assert.deepEqual(readdirSync(join(tree.root, 'srv/up2')), ['w'], 'the write landed in the tree\'s directory');
    assert.ok(!readdirSync(join(tree.root, 'srv')).some((n) => n.startsWith('.#')), 'its work directory is gone');
  });

  test('--overlay: after a deletion (a kernel whiteout in the work directory) nothing is left beside UPPER, as under nspawn', async () => {
    for (const run of haveNspawn ? ['nsbox', 'nspawn'] : ['nsbox']) {
      const l = makeLayers({ low: { a: 'low\n', b: 'low\n' }, up: {} });
      for (const victim of ['a', 'b']) {
        const options = [`--overlay=${l['low']}:${l['up']}:/srv/ov`];
        const r = run === 'nsbox' ? await inBox(tree.root, `rm /srv/ov/${victim}`, options) : await nspawn(tree.root, `rm /srv/ov/${victim}`, options);
        assert.equal(r.code, 0, `${run}: ${r.stderr}`);
        assert.deepEqual(readdirSync(join(l['up']!, '..')).sort(), ['low', 'up'], `${run}: the work directory is removed whole`);
      }
      assert.equal((await inBox(tree.root, 'ls -A /srv/ov', [`--overlay=${l['low']}:${l['up']}:/srv/ov`])).stdout, '', `${run}: both deletions kept in UPPER`);
    }
  });

  test('--overlay: the work directory of an UPPER inside the tree goes too', async () => {
    const l = makeLayers({ low: { a: 'low\n' } });
    mkdirSync(join(tree.root, 'srv/up3'), { recursive: true });
    assert.equal((await inBox(tree.root, 'rm /srv/up3/a; ls -A /srv/up3', [`--overlay=${l['low']}:+/srv/up3`])).code, 0);
    assert.ok(!readdirSync(join(tree.root, 'srv')).some((n) => n.startsWith('.#')), 'no work directory left in the tree');
  });

  test('--overlay: a missing lower layer fails the start', async () => {
    const r = await inBox(tree.root, 'true', [`--overlay=${join(layers, 'none')}::/srv/ov`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^nsbox nspawn: overlay .*: No such file or directory\n$/);
  });

  test('--rlimit: the limits asked for; RLIMIT_NOFILE=infinity is the caller\'s hard limit, as nspawn sets it', async () => {
    const script = 'grep -E "^Max (open files|core file size|file size|address space)" /proc/self/limits | tr -s " "';
    const out = await sideBySide(tree.root, script, ['--rlimit=RLIMIT_NOFILE=100:200', '--rlimit=RLIMIT_CORE=0', '--rlimit=FSIZE=1M:2M', '--rlimit=LimitAS=1G']);
    assert.equal(out, 'Max file size 1048576 2097152 bytes \nMax core file size 0 0 bytes \nMax open files 100 200 files \nMax address space 1073741824 1073741824 bytes \n');
    const hard = /^Max open files\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))![1];
    assert.equal(await sideBySide(tree.root, 'ulimit -n; ulimit -Hn', ['--rlimit=RLIMIT_NOFILE=infinity']), `${hard}\n${hard}\n`);
  });

  test('--rlimit above the caller\'s hard limit without CAP_SYS_RESOURCE: the caller\'s, as nspawn clamps it', async (t) => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const bounding = BigInt(`0x${/^CapBnd:\s*(\w+)/m.exec(status)![1]}`);
    if (bounding & (1n << 24n)) return t.skip('this host may raise limits (CAP_SYS_RESOURCE in the bounding set)');
    const hard = /^Max processes\s+\S+\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))![1]!;
    if (hard === 'unlimited') return t.skip('no finite process limit to go above');
    const above = Number(hard) + 1000;
    const out = await sideBySide(tree.root, 'ulimit -u; ulimit -Hu', [`--rlimit=RLIMIT_NPROC=${above}`]);
    assert.equal(out, `${hard}\n${hard}\n`);
  });

  test('--volatile=state: the tree read-only, /var a tmpfs of its own; overlay: a throwaway root; yes refused without merged /usr', async () => {
    const state = `touch /x 2>&1 | sed "s/.*: //"; touch /var/y && echo var-ok; ${mountOf('/var')}; stat -c %a /var`;
    assert.equal(await sideBySide(tree.root, state, ['--volatile=state']), 'Read-only file system\nvar-ok\nrw tmpfs\n755\n');
    assert.equal(existsSync(join(tree.root, 'var/y')), false, 'nothing of /var reached the tree');
    const overlay = `touch /x && echo root-ok; ${mountOf('/')}`;
    assert.equal(await sideBySide(tree.root, overlay, ['--volatile=overlay']), 'root-ok\nrw overlay\n');
    assert.equal(await sideBySide(tree.root, overlay, ['--read-only', '--volatile=overlay']), 'root-ok\nrw overlay\n', 'the overlay wins over --read-only');
    assert.equal(existsSync(join(tree.root, 'x')), false, 'the write went to the throwaway layer');
    const r = await inBox(tree.root, 'true', ['--volatile']);
    assert.equal(r.code, 1, 'this tree has /bin of its own');
    assert.match(r.stderr, /^nsbox nspawn: --volatile: yes needs a tree with \/bin, \/sbin, \/lib and \/lib64 merged into \/usr; .* has its own \/bin, \/sbin\n$/);
  });

  test('--volatile=yes on a merged-/usr tree: a tmpfs root with the tree\'s /usr read-only, /etc, /var, /root and the usr links', async () => {
    const merged = makeBusyboxTree('nsbox-merged-');
    try {
      mergeUsr(merged);
      const script = [
        'for l in /bin /sbin /lib; do readlink $l; done', 'ls -d /lib64 2>/dev/null', 'stat -c "%n %a" /etc /var /root', 'touch /new && echo root-rw', 'touch /usr/x 2>&1 | sed "s/.*: //"',
        mountOf('/'), mountOf('/usr'), 'ls /usr/lib',
      ].join('; ');
      const out = await sideBySide(merged.root, script, ['--volatile=yes']);
      assert.equal(out, 'usr/bin\nusr/sbin\nusr/lib\n/etc 755\n/var 755\n/root 750\nroot-rw\nRead-only file system\nrw tmpfs\nro ext4\nos-release\n');
      assert.equal(existsSync(join(merged.root, 'new')), false, 'the write stayed in the tmpfs');
    } finally {
      merged.remove();
    }
  });

  test('--set-credential and --load-credential: files of mode 0400 in a read-only /run/host/credentials, named by $CREDENTIALS_DIRECTORY', async () => {
    const source = join(layers, 'credential-source');
    writeFileSync(source, 'from a file\n');
    const options = ['--set-credential=foo:one\\ntwo', `--load-credential=file:${source}`];
    const script = 'echo "$CREDENTIALS_DIRECTORY"; cd /run/host/credentials && stat -c "%n %a" . && stat -c "%n %a %s" foo file; cat foo; echo; cat file; touch x 2>&1 | sed "s/.*: //"';
    const out = await sideBySide(tree.root, script, options);
    assert.equal(out, '/run/host/credentials\n. 500\nfoo 400 7\nfile 400 12\none\ntwo\nfrom a file\nRead-only file system\n');
    // nspawn shows a ramfs there twice (one read-only on top); nsbox one read-only tmpfs.
    const mount = await inBox(tree.root, 'awk \'$5 == "/run/host/credentials" { split($6, o, ","); print o[1], o[2], o[3], o[4] }\' /proc/self/mountinfo', options);
    assert.equal(mount.stdout, 'ro nosuid nodev noexec\n');
    const r = await inBox(tree.root, 'true', ['--set-credential=a:1', '--set-credential=a:2']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'nsbox nspawn: --set-credential: duplicate credential "a"\n');
    const missing = await inBox(tree.root, 'true', [`--load-credential=x:${join(layers, 'nothing')}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^nsbox nspawn: --load-credential: cannot read .*nothing for credential "x": ENOENT/);
  });

  test('--oom-score-adjust and --no-new-privileges', async () => {
    const out = await sideBySide(tree.root, 'cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status', ['--oom-score-adjust=500', '--no-new-privileges=yes']);
    assert.equal(out, '500\nNoNewPrivs:\t1\n');
    assert.equal(await sideBySide(tree.root, 'grep NoNewPrivs /proc/self/status', ['--no-new-privileges=no']), 'NoNewPrivs:\t0\n');
  });

  test('--ambient-capability: for root on top of the retained set; for another user exactly these, in every set', async () => {
    const script = 'grep -E "^Cap(Inh|Prm|Eff|Amb)" /proc/self/status';
    const root = await sideBySide(tree.root, script, ['--ambient-capability=CAP_NET_RAW']);
    assert.match(root, /CapAmb:\t0000000000002000\n/);
    const user = await sideBySide(tree.root, script, ['-u', 'tester', '--ambient-capability=CAP_NET_RAW,CAP_CHOWN']);
    assert.equal(user, 'CapInh:\t0000000000002001\nCapPrm:\t0000000000002001\nCapEff:\t0000000000002001\nCapAmb:\t0000000000002001\n');
    const outside = await inBox(tree.root, 'true', ['--ambient-capability=CAP_SYS_TIME']);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /--ambient-capability: CAP_SYS_TIME not in the bounding set/);
  });

  test('--uuid: container_uuid and /run/host/container-uuid, unless the tree has a machine id', async () => {
    const script = 'echo $container_uuid; cat /run/host/container-uuid';
    assert.equal(await sideBySide(tree.root, script, ['--uuid=0123456789ABCDEF0123456789ABCDEF']), '01234567-89ab-cdef-0123-456789abcdef\n'.repeat(2));
    writeFileSync(join(tree.root, 'etc/machine-id'), 'fedcba9876543210fedcba9876543210\n');
    try {
      assert.equal(await sideBySide(tree.root, script, ['--uuid=0123456789abcdef0123456789abcdef']), 'fedcba98-7654-3210-fedc-ba9876543210\n'.repeat(2));
    } finally {
      rmSync(join(tree.root, 'etc/machine-id'));
    }
  });

  test('--personality=x86: uname says i686', async () => {
    assert.equal(await sideBySide(tree.root, 'uname -m; cat /proc/self/personality', ['--personality=x86']), 'i686\n00000008\n');
    assert.equal(await sideBySide(tree.root, 'cat /proc/self/personality', ['--personality=x86-64']), '00000000\n');
  });

  test('--cpu-affinity: the CPUs asked for, in any order and spelling; CPUs the host lacks are left out by the kernel', async () => {
    const script = 'grep Cpus_allowed_list /proc/self/status';
    assert.equal(await sideBySide(tree.root, script, ['--cpu-affinity=0']), 'Cpus_allowed_list:\t0\n');
    assert.equal(await sideBySide(tree.root, script, ['--cpu-affinity= 0, 8000 ']), 'Cpus_allowed_list:\t0\n');
    const all = await sideBySide(tree.root, script, ['--cpu-affinity=0-8000']);
    assert.equal(all, readFileSync('/proc/self/status', 'utf8').split('\n').filter((l) => l.startsWith('Cpus_allowed_list')).join('\n') + '\n');
    const r = await inBox(tree.root, 'true', ['--cpu-affinity=8000']);
    assert.equal(r.code, 1, 'no CPU of the host: the start fails, as in nspawn');
    assert.match(r.stderr, /set CPU affinity 8000: Invalid argument/);
  });

  test('CPUAffinity= lines add up in a trusted file, an untrusted one loses them with nspawn\'s warning', async () => {
    const file = join(tree.root, '..', `${basename(tree.root)}.nspawn`);
    assert.ok(!existsSync(file));
    writeFileSync(file, '[Exec]\nCPUAffinity=0\nCPUAffinity=8000\n');
    try {
      const script = 'grep Cpus_allowed_list /proc/self/status';
      assert.equal(await sideBySide(tree.root, script, ['--settings=trusted']), 'Cpus_allowed_list:\t0\n');
      const untrusted = await inBox(tree.root, script, []);
      assert.match(untrusted.stderr, /Ignoring CPUAffinity= setting, file '.*' is not trusted\./);
    } finally {
      rmSync(file);
    }
  });

  test('a trusted settings file brings the same: Inaccessible=, Overlay=, LimitNOFILE=, OOMScoreAdjust=, NoNewPrivileges=, Personality=', async () => {
    const l = makeLayers({ low: { a: 'low\n' } });
    const file = join(tree.root, '..', `${basename(tree.root)}.nspawn`);
    assert.ok(!existsSync(file));
    writeFileSync(file, `[Exec]\nLimitNOFILE=77\nOOMScoreAdjust=300\nNoNewPrivileges=yes\nPersonality=x86\n[Files]\nInaccessible=/srv/mask/file\nOverlay=${l['low']}::/srv/ov\n`);
    try {
      const script = 'ulimit -n; cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status; uname -m; stat -c %a /srv/mask/file; ls /srv/ov';
      assert.equal(await sideBySide(tree.root, script, ['--settings=trusted'], { inaccessibleNodes: true }), '77\n300\nNoNewPrivs:\t1\ni686\n0\na\n');
    } finally {
      rmSync(file);
    }
  });
});
