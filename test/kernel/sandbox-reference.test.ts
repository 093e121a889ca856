// nsbox-test: needs bookworm-systemd
// systemd 252 as the reference for a service's sandbox: real systemd booted in systemd-nspawn on a
// copy of the debootstrapped Debian tree runs units with the settings of the cases, and
// each unit's probe (sandbox-probes.ts) must print what sandbox-views.test.ts expects of nsbox.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { copyDebianTree, scratchTempDir, type TreeCopy } from '../fixtures/debian-tree.js';
import { killProcessTree } from '../runner/procs.js';
import { makeCgroupSlot, joinSlotScript, type CgroupSlot } from '../fixtures/cgroup-slot.js';
import { needsRoot } from '../fixtures/plans.js';
import { enter, waitForSystemd } from './boot-helpers.js';
import { haveNspawn } from './nspawn-reference.js';
import {
  EDITED_PASSWD, PRELUDE, USER_EXPECTATIONS, privateDevicesProbe, protectControlGroupsProbe, protectHomeBindProbe,
  readOnlyMountPointProbe, rootPropagationProbe, temporaryFileSystemBindProbe, type Probe,
} from './sandbox-probes.js';

interface ReferenceUnit {
  readonly name: string;
  /** [Service] lines besides Type= and ExecStart=. */
  readonly settings: readonly string[];
  /** Made once PID 1's own mount table is known (the /dev/shm count). */
  probe(pid1: { readonly shmCount: number }): Probe;
}

const UNITS: readonly ReferenceUnit[] = [
  { name: 'private-devices', settings: ['PrivateDevices=yes'], probe: () => privateDevicesProbe },
  { name: 'home-bind', settings: ['ProtectHome=tmpfs', 'BindReadOnlyPaths=/home/someone'], probe: () => protectHomeBindProbe('/home/someone') },
  { name: 'tmpfs-bind', settings: ['TemporaryFileSystem=/d:ro', 'BindReadOnlyPaths=/d/keep'], probe: () => temporaryFileSystemBindProbe('/d') },
  { name: 'control-groups', settings: ['ProtectControlGroups=yes'], probe: () => protectControlGroupsProbe },
  { name: 'ro-mount-point', settings: ['ReadOnlyPaths=/dev/shm'], probe: (p) => readOnlyMountPointProbe(p.shmCount) },
  { name: 'propagation-default', settings: ['PrivateTmp=yes'], probe: () => rootPropagationProbe('shared') },
  { name: 'propagation-private', settings: ['MountFlags=private'], probe: () => rootPropagationProbe('none') },
  ...USER_EXPECTATIONS.map((u): ReferenceUnit => ({ name: `user-${u.user}`, settings: [`User=${u.user}`], probe: () => u.probe })),
];

describe('systemd 252 reference: the sandbox cases nsbox is held to', { skip: needsRoot || (!haveNspawn && 'no systemd-nspawn'), timeout: 600_000 }, () => {
  let tree: TreeCopy | undefined;
  let slot: CgroupSlot | undefined;
  let launcher: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let init = 0;
  const results = new Map<string, { code: number; stdout: string; stderr: string }>();
  let shmCount = 0;

  before(async () => {
    tree = await copyDebianTree(scratchTempDir('nsbox-sdref-'));
    const root = tree.root;
    for (const d of ['home/someone', 'd/keep', 'srv/probe', 'srv/out']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'home/someone/file'), 'home\n');
    writeFileSync(join(root, 'd/keep/file'), 'kept\n');
    // Lines for root and nobody replaced, ghost added: see EDITED_PASSWD.
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n').filter((l) => !/^(root|nobody):/.test(l));
    writeFileSync(join(root, 'etc/passwd'), `${EDITED_PASSWD}${passwd.filter(Boolean).join('\n')}\n`);
    appendFileSync(join(root, 'etc/group'), 'ghost:x:1234:\n');
    slot = makeCgroupSlot(`nsbox-sdref-${process.pid}`);
    const child = spawn('sh', ['-c', joinSlotScript(slot), 'sh', 'systemd-nspawn', '--register=no', '--keep-unit', '-q',
      '--capability=all', '-D', root, '-b'], { stdio: 'ignore' });
    launcher = child;
    exited = new Promise((resolve) => child.on('close', () => resolve()));
    init = (await waitForSystemd(child.pid as number)).pid;
    shmCount = Number((await enter(init, ['grep', '-c', ' /dev/shm ', '/proc/1/mountinfo'])).stdout.trim());
    // Probes as files: an ExecStart= line would have systemd expand the $ and % in them.
    for (const u of UNITS) {
      writeFileSync(join(root, 'srv/probe', `${u.name}.sh`), `${PRELUDE}\n${u.probe({ shmCount }).script}\n`);
      writeFileSync(join(root, 'etc/systemd/system', `nsbox-ref-${u.name}.service`), [
        '[Service]', 'Type=oneshot', ...u.settings, `StandardOutput=file:/srv/out/${u.name}`,
        `ExecStart=/bin/sh /srv/probe/${u.name}.sh`, '',
      ].join('\n'));
    }
    await enter(init, ['systemctl', 'daemon-reload']);
    for (const u of UNITS) results.set(u.name, await enter(init, ['systemctl', 'start', `nsbox-ref-${u.name}.service`]));
  });

  after(async () => {
    if (init > 0) await enter(init, ['systemctl', 'poweroff']);
    if (launcher && launcher.exitCode === null) await Promise.race([exited, sleep(20000)]);
    if (launcher?.pid !== undefined && launcher.exitCode === null && launcher.signalCode === null) {
      // nspawn and the container's init and all below it: none may outlive the tree removed next.
      await killProcessTree(launcher.pid);
      await exited;
    }
    slot?.remove();
    tree?.remove();
  });

  for (const u of UNITS) {
    test(`${u.settings.join(' ')}: systemd 252 prints what nsbox is expected to`, () => {
      const started = results.get(u.name);
      assert.equal(started?.code, 0, `systemctl start: ${started?.stderr}`);
      const out = readFileSync(join((tree as TreeCopy).root, 'srv/out', u.name), 'utf8');
      assert.deepEqual(out.trim().split('\n'), u.probe({ shmCount }).expect, out);
    });
  }
});
