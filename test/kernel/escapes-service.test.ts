// What a service with a strict sandbox can reach of the processes it sees. Services share the
// host's PID namespace (as under systemd), so they see every process; what matters is that they
// can open none of another process's fds and ptrace none of them, the helper that supervises
// them least of all.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/executor/run.js';
import { createPrivateTmp, planUnit, type PrivateTmp } from '../../src/service/index.js';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { assertNoLeaks, takeSnapshot } from '../fixtures/cleanup.js';
import { buildStaticC } from '../fixtures/static-probe.js';
import { REACH_PROBE_SCRIPT, parseReachProbe } from '../fixtures/reach-probe.js';

const ATTACH_C = String.raw`
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
int main(int argc, char **argv) {
  if (ptrace(PTRACE_ATTACH, atoi(argv[1]), 0, 0) < 0) { printf("attach %s: %s\n", argv[1], strerror(errno)); return 1; }
  printf("attached %s\n", argv[1]);
  return 0;
}
`;

const STRICT = [
  'User=nobody', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'PrivateDevices=yes',
  'ProtectKernelTunables=yes', 'ProtectKernelModules=yes', 'ProtectKernelLogs=yes', 'ProtectControlGroups=yes',
  'CapabilityBoundingSet=', 'SystemCallFilter=@system-service', 'RestrictSUIDSGID=yes', 'LockPersonality=yes',
];

describe('a strictly sandboxed service, probing what it can reach', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let unitDir: string;
  let privateTmp: PrivateTmp;
  before(() => {
    tree = makeBusyboxTree('nsbox-escape-svc-');
    buildStaticC(ATTACH_C, join(tree.root, 'bin/attach'));
    // The supervising helper is the probe's parent: try to take it over, then list everything.
    writeFileSync(join(tree.root, 'probe.sh'), `/bin/attach $PPID\n/bin/attach 1\n${REACH_PROBE_SCRIPT}\n`);
    unitDir = mkdtempSync(join(tmpdir(), 'nsbox-escape-units-'));
    privateTmp = createPrivateTmp('nsbox-strict.service');
  });
  after(() => {
    privateTmp.remove();
    tree.remove();
    rmSync(unitDir, { recursive: true, force: true });
  });

  for (const [name, settings] of [['strict', STRICT], ['strict, without its system-call filter', STRICT.filter((s) => !s.startsWith('SystemCallFilter='))]] as const) {
    test(`${name}: it attaches to no process and opens no other process's fds`, async () => {
      writeFileSync(join(unitDir, 'nsbox-strict.service'), `[Service]\nRootDirectory=${tree.root}\n${settings.join('\n')}\nExecStart=/bin/sh /probe.sh\n`);
      const plans = await planUnit('nsbox-strict.service', { unitPath: unitDir, privateTmpDirs: privateTmp });
      const start = plans.commands[0]!;
      assert.equal(start.error, undefined, start.error?.message);
      const snapshot = takeSnapshot({ paths: [tree.root], mountsUnder: [tree.root, privateTmp.tmp] });
      const r = await run(start.plan!);
      await assertNoLeaks(snapshot);
      assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
      // With the filter, ptrace() kills the attacker (SIGSYS); without it, the kernel says no.
      assert.doesNotMatch(r.stdout, /^attached/m);
      if (!settings.some((s) => s.startsWith('SystemCallFilter='))) assert.match(r.stdout, /^attach \d+: Operation not permitted\nattach 1: Operation not permitted\n/);
      const report = parseReachProbe(r.stdout);
      assert.ok(report.processes.length > 3, 'the host\'s processes are visible, as under systemd');
      const me = report.processes.find((p) => p.pid === report.self);
      assert.equal(me?.status['CapEff'], '0000000000000000');
      // Only its own fds (and those of the commands it ran) are listable.
      const foreign = report.processes.filter((p) => p.pid < report.self && p.fds.length > 0).map((p) => p.pid);
      assert.deepEqual(foreign, []);
    });
  }
});
