// The daemon starts what systemd starts at boot: default.target (or multi-user.target) and the
// units enabled into it (`systemctl enable` links them into multi-user.target.wants/, which the
// loader reads as Wants=).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { needsRoot } from '../fixtures/plans.js';
import { cgroupDirsOf, scratchDaemon, waitFor, type ScratchDaemon } from '../fixtures/manager-daemon.js';

const UNITS = {
  'multi-user.target': '[Unit]\nDescription=Multi-User System\n',
  'web.service': '[Service]\nExecStart=/bin/sleep 3600\n[Install]\nWantedBy=multi-user.target\n',
  'idle.service': '[Service]\nExecStart=/bin/sleep 3600\n[Install]\nWantedBy=multi-user.target\n',
};

describe('the default target at start-up', { skip: needsRoot }, () => {
  let d: ScratchDaemon | undefined;
  after(async () => {
    await d?.close();
    assert.deepEqual(['web', 'idle'].flatMap((u) => cgroupDirsOf(`${u}.service`)), []);
  });

  test('an enabled unit starts with the daemon, one not enabled does not; default.target as an alias', async () => {
    d = await scratchDaemon(UNITS);
    assert.ok(await waitFor(() => d!.systemctl('is-active', 'multi-user.target').stdout === 'active\n', 10_000), 'the target starts with the daemon');
    assert.equal(d.systemctl('is-active', 'web.service').stdout, 'inactive\n', 'nothing wants web.service yet');
    const daemon = d.daemon;
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    // As `systemctl enable` links it (not run here: it writes to /etc/systemd/system, whatever the unit path).
    mkdirSync(join(d.unitDir, 'multi-user.target.wants'));
    symlinkSync(join(d.unitDir, 'web.service'), join(d.unitDir, 'multi-user.target.wants/web.service'));
    symlinkSync('multi-user.target', join(d.unitDir, 'default.target'));
    await d.start();
    assert.ok(await waitFor(() => d!.systemctl('is-active', 'web.service').stdout === 'active\n', 10_000), d.log());
    assert.equal(d.systemctl('is-active', 'multi-user.target').stdout, 'active\n');
    assert.equal(d.systemctl('is-active', 'idle.service').stdout, 'inactive\n');
    assert.match(d.systemctl('show', '-p', 'Wants', '--value', 'multi-user.target').stdout, /^web\.service$/m);
  });
});
