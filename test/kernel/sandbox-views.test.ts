// Every sandbox directive run for real twice: on the host's own root (no RootDirectory=, as most
// units are written) and inside a tree (RootDirectory=). The expectations are what systemd 252
// does with the same settings (docs/compatibility.md): bind sources come from the view before any
// mount of the sandbox was made, existing mount points are made read-only in place, and the
// service's mounts end shared unless MountFlags= says otherwise.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/executor/run.js';
import { planCommand, type PlanFacts } from '../../src/sandbox/plan-command.js';
import { defaultExecSettings, type ExecSettings, type PathSetting } from '../../src/unit/exec-settings.js';
import { noPrefixes } from '../../src/unit/exec-command.js';
import { parseUserDatabase } from '../../src/sandbox/passwd.js';
import { compileSeccompFilters } from '../../src/seccomp/compile.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import {
  EDITED_PASSWD, PRELUDE, USER_EXPECTATIONS, privateDevicesProbe, protectControlGroupsProbe, protectHomeBindProbe,
  readOnlyMountPointProbe, rootPropagationProbe, temporaryFileSystemBindProbe, type Probe,
} from './sandbox-probes.js';

/** The same layout on the host (scratch directory) and in the tree. */
const LAYOUT = ['srv/ro', 'srv/rw', 'srv/secret/inner', 'srv/noexec/sub', 'd', 'var/cache', 'usr/lib/modules', 'home/someone'];

/** How often the test's own mount table lists a mount point. */
const listedAt = (path: string): number =>
  readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === path).length;

interface View {
  readonly name: string;
  /** RootDirectory=, or undefined for the host's root. */
  readonly root: string | undefined;
  /** A layout path as the service sees it. */
  inside(p: string): string;
  /** A layout path as ReadOnlyPaths= and friends take it (`+` with a root: a host path would be dropped). */
  setting(p: string, ignoreMissing?: boolean): PathSetting;
  /** A system path (/dev/shm, /root) as those settings take it. */
  system(p: string): PathSetting;
}

interface Case {
  readonly name: string;
  settings(v: View): Partial<ExecSettings>;
  script(v: View): string;
  expect: readonly string[] | ((v: View) => readonly string[]);
}

describe('sandbox directives with and without RootDirectory=', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let scratch: string;
  let homeDir: string;
  let unitTmp: string;
  let facts: PlanFacts;
  const views: View[] = [];

  before(() => {
    tree = makeBusyboxTree();
    scratch = mkdtempSync(join(tmpdir(), 'nsbox-views-'));
    for (const base of [tree.root, scratch]) {
      for (const d of LAYOUT) mkdirSync(join(base, d), { recursive: true });
      writeFileSync(join(base, 'srv/secret/key'), 'k\n');
      writeFileSync(join(base, 'srv/noexec/run.sh'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
      writeFileSync(join(base, 'srv/noexec/sub/run.sh'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
      writeFileSync(join(base, 'var/cache/old'), '');
    }
    // Bind sources are host paths in both views.
    mkdirSync(join(scratch, 'd/keep'));
    writeFileSync(join(scratch, 'd/keep/file'), 'kept\n');
    mkdirSync(join(scratch, 'src'));
    writeFileSync(join(scratch, 'src/file'), 'src\n');
    // The issue's own case needs a source below /home, which ProtectHome=tmpfs covers.
    homeDir = mkdtempSync('/home/nsbox-views-');
    writeFileSync(join(homeDir, 'file'), 'home\n');
    unitTmp = mkdtempSync(join(tmpdir(), 'nsbox-unit-'));
    mkdirSync(join(unitTmp, 'tmp'), { mode: 0o1777 });
    mkdirSync(join(unitTmp, 'var-tmp'), { mode: 0o1777 });
    const capPrm = /CapPrm:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
    const held = [...Array(64).keys()].filter((i) => (BigInt(`0x${capPrm}`) >> BigInt(i)) & 1n);
    facts = {
      userDatabase: parseUserDatabase('', ''),
      availableCapabilities: held, compileSeccomp: compileSeccompFilters,
      privateTmpDirs: { tmp: join(unitTmp, 'tmp'), varTmp: join(unitTmp, 'var-tmp') },
      mountPoints: readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter(Boolean),
    };
    views.push({
      name: 'no RootDirectory=', root: undefined,
      inside: (p) => join(scratch, p),
      setting: (p, ignoreMissing = false) => ({ path: join(scratch, p), ignoreMissing, relativeToRoot: false }),
      system: (p) => ({ path: p, ignoreMissing: false, relativeToRoot: false }),
    }, {
      name: 'RootDirectory=', root: tree.root,
      inside: (p) => join('/', p),
      setting: (p, ignoreMissing = false) => ({ path: join('/', p), ignoreMissing, relativeToRoot: true }),
      system: (p) => ({ path: p, ignoreMissing: false, relativeToRoot: true }),
    });
  });
  after(() => {
    tree.remove();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(homeDir, { recursive: true, force: true });
    rmSync(unitTmp, { recursive: true, force: true });
  });

  // systemd asks the manager's (host's) user database, also for a RootDirectory= service.
  const hostDb = () => parseUserDatabase(readFileSync('/etc/passwd', 'utf8'), readFileSync('/etc/group', 'utf8'));
  const sh = (v: View, over: Partial<ExecSettings>, script: string, userDatabase = hostDb()) =>
    run(planCommand({ ...defaultExecSettings, ...(v.root ? { rootDirectory: v.root } : {}), ...over },
      { kind: 'ExecStart', path: '/bin/sh', argv: ['/bin/sh', '-c', `${PRELUDE}\n${script}`], prefixes: noPrefixes },
      { ...facts, userDatabase }).plan);

  const bind = (source: string, destination: string) => ({ source, destination, ignoreMissing: false, recursive: true });

  /** A shared probe as a case's script and expectation (built when the test runs: paths exist then). */
  const fromProbe = (probe: () => Probe): Pick<Case, 'script' | 'expect'> => ({ script: () => probe().script, expect: () => probe().expect });

  const cases: Case[] = [
    {
      // The issue: the tmpfs on /dev hid /dev/pts before the bind that names it ran.
      name: 'PrivateDevices=yes alone binds /dev/pts and /dev/shm from the host',
      settings: () => ({ privateDevices: true }),
      ...fromProbe(() => privateDevicesProbe),
    },
    {
      name: 'ProtectHome=tmpfs + BindReadOnlyPaths= of a path below /home',
      settings: () => ({ protectHome: 'tmpfs', bindReadOnlyPaths: [bind(homeDir, homeDir)] }),
      ...fromProbe(() => protectHomeBindProbe(homeDir)),
    },
    {
      name: 'TemporaryFileSystem=:ro + BindReadOnlyPaths= below it',
      settings: () => ({ temporaryFileSystem: [{ path: join(scratch, 'd'), options: 'ro' }], bindReadOnlyPaths: [bind(join(scratch, 'd/keep'), join(scratch, 'd/keep'))] }),
      ...fromProbe(() => temporaryFileSystemBindProbe(join(scratch, 'd'))),
    },
    {
      name: 'BindPaths= binds a host path writable, created where missing',
      // The missing destination is made where the service sees it: on the host without a root.
      settings: (v) => ({ bindPaths: [bind(join(scratch, 'src'), v.inside('bound'))] }),
      script: (v) => `cat ${v.inside('bound')}/file; w ${v.inside('bound')}`,
      expect: ['src', 'rw'],
    },
    {
      // systemd 252: the existing mounts are made read-only where they are; nothing is stacked.
      name: 'ProtectControlGroups=yes remounts /sys/fs/cgroup read-only in place, with its submounts',
      settings: () => ({ protectControlGroups: true }),
      ...fromProbe(() => protectControlGroupsProbe),
    },
    {
      name: 'ReadOnlyPaths= on a mount point (/dev/shm) remounts it in place',
      settings: (v) => ({ readOnlyPaths: [v.system('/dev/shm')] }),
      // As often as outside (this host stacks two tmpfs there): no read-only copy on top.
      ...fromProbe(() => readOnlyMountPointProbe(listedAt('/dev/shm'))),
    },
    {
      name: 'ReadOnlyPaths= on a plain directory makes it a read-only mount of its own',
      settings: (v) => ({ readOnlyPaths: [v.setting('srv/ro')] }),
      script: (v) => `w ${v.inside('srv/ro')}; w ${v.inside('srv/rw')}; cnt ${v.inside('srv/ro')}`,
      expect: ['ro', 'rw', '1'],
    },
    {
      name: 'ProtectSystem=strict + ReadWritePaths= + PrivateTmp=yes',
      settings: (v) => ({ protectSystem: 'strict', readWritePaths: [v.setting('srv/rw')] }),
      script: (v) => `w ${v.inside('srv/ro')}; w ${v.inside('srv/rw')}; opt /`,
      expect: ['ro', 'rw', 'ro'],
    },
    {
      // The scratch directory is below /tmp, which PrivateTmp= covers: a case of its own.
      name: 'PrivateTmp=yes gives the unit\'s own /tmp and /var/tmp',
      settings: () => ({ privateTmp: true }),
      script: () => 'echo t > /tmp/mark && echo tmp; ls -A /tmp | wc -l; ls -A /var/tmp | wc -l',
      expect: ['tmp', '1', '0'],
    },
    {
      name: 'ProtectSystem=full makes /usr and /etc read-only',
      settings: () => ({ protectSystem: 'full' }),
      script: () => 'opt /usr; opt /etc',
      expect: ['ro', 'ro'],
    },
    {
      name: 'InaccessiblePaths= hides the path and what is listed below it',
      settings: (v) => ({ inaccessiblePaths: [v.setting('srv/secret')], readWritePaths: [v.setting('srv/secret/inner')] }),
      script: (v) => `cat ${v.inside('srv/secret/key')} 2>/dev/null || echo hidden; seen ${v.inside('srv/secret/inner')}/.`,
      expect: ['hidden', 'hidden'],
    },
    {
      name: 'NoExecPaths= and ExecPaths= below it',
      settings: (v) => ({ noExecPaths: [v.setting('srv/noexec')], execPaths: [v.setting('srv/noexec/sub')] }),
      script: (v) => `${v.inside('srv/noexec/run.sh')} 2>/dev/null || echo denied; ${v.inside('srv/noexec/sub/run.sh')}`,
      expect: ['denied', 'ran'],
    },
    {
      name: 'TemporaryFileSystem= gives an empty tmpfs of mode 0755',
      settings: (v) => ({ temporaryFileSystem: [{ path: v.inside('var/cache'), options: '' }] }),
      script: (v) => `ls -A ${v.inside('var/cache')} | wc -l; stat -c %a ${v.inside('var/cache')}; w ${v.inside('var/cache')}`,
      expect: ['0', '755', 'rw'],
    },
    {
      name: 'ProtectHome=yes hides /root',
      settings: () => ({ protectHome: 'yes' }),
      // Root may list a mode-000 directory: what proves it hidden is that it is empty.
      script: () => 'ls -A /root | wc -l; ls -A /home | wc -l; stat -c %a /root',
      expect: ['0', '0', '0'],
    },
    {
      name: 'ProtectHome=read-only',
      settings: () => ({ protectHome: 'read-only' }),
      script: () => 'opt /root',
      expect: ['ro'],
    },
    {
      name: 'ProtectKernelTunables=yes makes /proc/sys and /sys read-only',
      settings: () => ({ protectKernelTunables: true }),
      script: () => 'opt /proc/sys; opt /sys',
      expect: ['ro', 'ro'],
    },
    {
      name: 'ProtectKernelModules=yes hides /usr/lib/modules and drops CAP_SYS_MODULE',
      settings: () => ({ protectKernelModules: true }),
      script: () => 'ls -A /usr/lib/modules 2>/dev/null | wc -l; grep CapBnd /proc/self/status | cut -f2',
      expect: ['0', 'CAP_SYS_MODULE'],
    },
    {
      name: 'ProtectKernelLogs=yes covers /proc/kmsg',
      settings: () => ({ protectKernelLogs: true }),
      script: () => 'cnt /proc/kmsg; stat -c %a /proc/kmsg',
      expect: ['1', '0'],
    },
    {
      name: 'ProtectProc=invisible and ProcSubset=pid mount a fresh /proc',
      settings: () => ({ protectProc: 'invisible', procSubset: 'pid' }),
      script: () => 'grep " /proc " /proc/self/mountinfo | grep -o "hidepid=[a-z0-9]*" | tail -n1; seen /proc/sys',
      expect: [['hidepid=invisible', 'hidepid=2'].join('|'), 'hidden'],
    },
    {
      name: 'MountAPIVFS=yes gives /proc, /dev and /sys',
      settings: () => ({ mountAPIVFS: true }),
      script: () => 'test -r /proc/self/status && echo proc; test -c /dev/null && echo dev; test -d /sys/class && echo sys',
      expect: ['proc', 'dev', 'sys'],
    },
    {
      name: 'PrivateNetwork=yes, PrivateIPC=yes and ProtectHostname=yes',
      settings: () => ({ privateNetwork: true, privateIPC: true, protectHostname: true }),
      script: () => `ip -o link | wc -l; test "$(readlink /proc/self/ns/ipc)" != "${readlinkSync('/proc/self/ns/ipc')}" && echo ipc; ` +
        'hostname nsbox-probe 2>/dev/null && echo set || echo denied',
      expect: ['1', 'ipc', 'denied'],
    },
    {
      name: 'WorkingDirectory=, UMask=, Environment=',
      settings: (v) => ({ workingDirectory: { kind: 'path', path: v.inside('srv/rw'), ignoreMissing: false }, umask: 0o077, environment: ['PROBE=yes'] }),
      script: () => 'pwd; umask; echo $PROBE',
      expect: (v) => [v.inside('srv/rw'), '0077', 'yes'],
    },
    {
      name: 'NoNewPrivileges=yes, CapabilityBoundingSet=CAP_CHOWN',
      settings: () => ({ noNewPrivileges: true, capabilityBoundingSet: [0] }),
      script: () => 'grep NoNewPrivs /proc/self/status | cut -f2; grep CapBnd /proc/self/status | cut -f2',
      expect: ['1', '0000000000000001'],
    },
    {
      name: 'ProtectClock=yes, RestrictNamespaces=yes, RestrictSUIDSGID=yes',
      settings: () => ({ protectClock: true, restrictNamespaces: [], restrictSUIDSGID: true }),
      // Never try to set the clock: were the filter broken, every process on the machine would see it.
      // A read-only adjtimex(2) (modes 0) is in @clock too.
      script: (v) => 'bnd=$(grep CapBnd /proc/self/status | cut -f2); [ $(( 0x$bnd >> 25 & 1 )) = 0 ] && echo no-cap-sys-time; ' +
        '/bin/busybox adjtimex >/dev/null 2>&1 && echo adjtimex || echo adjtimex-denied; ' +
        'unshare -m true 2>/dev/null && echo unshared || echo unshare-denied; ' +
        `f=${v.inside('srv/rw')}/suid; touch $f; chmod u+s $f 2>/dev/null && echo suid || echo suid-denied; rm -f $f`,
      expect: ['no-cap-sys-time', 'adjtimex-denied', 'unshare-denied', 'suid-denied'],
    },
  ];

  for (const c of cases) {
    for (const which of [0, 1]) {
      test(`${c.name} (${which === 0 ? 'no RootDirectory=' : 'RootDirectory='})`, async () => {
        const v = views[which] as View;
        const r = await sh(v, c.settings(v), c.script(v));
        assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
        const want = typeof c.expect === 'function' ? c.expect(v) : c.expect;
        const got = r.stdout.trim().split('\n');
        assert.equal(got.length, want.length, r.stdout);
        want.forEach((w, i) => {
          const line = got[i] as string;
          if (w === 'CAP_SYS_MODULE') assert.equal((BigInt(`0x${line}`) >> 16n) & 1n, 0n, `CAP_SYS_MODULE in ${line}`);
          else assert.ok(w.split('|').includes(line), `line ${i + 1}: ${line}, expected ${w}\n${r.stdout}`);
        });
      });
    }
  }

  for (const which of [0, 1]) {
    const label = which === 0 ? 'no RootDirectory=' : 'RootDirectory=';
    test(`User=nobody and User=root are synthesized before the user database is asked (${label})`, async () => {
      const v = views[which] as View;
      const nobodyProbe = USER_EXPECTATIONS.find((u) => u.user === 'nobody')?.probe as Probe;
      // This host's passwd says /nonexistent and /usr/sbin/nologin; systemd 252 sets neither.
      for (const user of ['nobody', '65534']) {
        const r = await sh(v, { user }, nobodyProbe.script);
        assert.deepEqual(r.stdout.trim().split('\n'), nobodyProbe.expect, r.stderr);
      }
      // The passwd of the reference run (sandbox-reference.test.ts), with its results.
      const edited = parseUserDatabase(EDITED_PASSWD, 'root:x:0:\nnogroup:x:65534:\nghost:x:1234:\n');
      for (const { user, probe } of USER_EXPECTATIONS) {
        const r = await sh(v, { user }, probe.script, edited);
        assert.deepEqual(r.stdout.trim().split('\n'), probe.expect, `User=${user}: ${r.stderr}`);
      }
    });
  }

  for (const which of [0, 1]) {
    const label = which === 0 ? 'no RootDirectory=' : 'RootDirectory=';
    test(`MountFlags= unset: the service's mounts are shared, as systemd's default (${label})`, async () => {
      const v = views[which] as View;
      const shared = rootPropagationProbe('shared');
      for (const over of [{ privateTmp: true }, { mountPropagation: 'shared' as const }]) {
        const r = await sh(v, over, shared.script);
        assert.deepEqual(r.stdout.trim().split('\n'), shared.expect, r.stderr);
      }
      const none = rootPropagationProbe('none');
      const priv = await sh(v, { mountPropagation: 'private' }, none.script);
      assert.deepEqual(priv.stdout.trim().split('\n'), none.expect, priv.stderr);
      const slave = await sh(v, { mountPropagation: 'slave' }, 'awk \'$5=="/"\' /proc/self/mountinfo | grep -c "shared:"');
      assert.equal(slave.stdout.trim(), '0', slave.stderr);
    });

    test(`MountFlags=shared: a mount made inside never reaches the host (${label})`, async () => {
      const v = views[which] as View;
      const target = v.inside('srv/rw');
      const r = await sh(v, { mountPropagation: 'shared' }, `mount -t tmpfs nsbox-probe ${target} && cnt ${target}`);
      assert.equal(r.stdout.trim(), '1', r.stderr);
      const ours = readFileSync('/proc/self/mountinfo', 'utf8');
      assert.ok(!ours.includes('nsbox-probe'), 'the service\'s tmpfs propagated out');
      assert.ok(existsSync(join(v.root ?? scratch, 'srv/rw')));
    });
  }
});
