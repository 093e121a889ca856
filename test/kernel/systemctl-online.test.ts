// `nsbox systemctl`'s verbs against a running daemon beyond start/stop/status (those are in
// manager-daemon.test.ts): list-units, list-jobs, is-failed, is-system-running, kill,
// reset-failed, --no-block, --wait, -o json, and enable/disable with the daemon's UnitFileState
// following them. Layouts and messages are systemctl 252's as printed by systemd 252 booted in a
// container on this machine (recorded in the expectations below). /etc/systemd/system is a tmpfs
// private to this file's mount namespace, so enable writes where systemctl writes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { needsRoot } from '../fixtures/plans.js';
import { cgroupDirsOf, scratchDaemon, type ScratchDaemon } from '../fixtures/manager-daemon.js';

const UNITS = '/etc/systemd/system';
const NAMES = ['sl', 'bad', 'slow', 'quick', 'brief'];

describe('nsbox systemctl online verbs', { skip: needsRoot }, () => {
  let d: ScratchDaemon;

  before(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'nsbox-online-test', UNITS]);
    writeFileSync(join(UNITS, 'sl.service'), '[Unit]\nDescription=Sleeper\n[Service]\nExecStart=/bin/sleep 3600\n[Install]\nWantedBy=multi-user.target\n');
    writeFileSync(join(UNITS, 'bad.service'), '[Service]\nExecStart=/bin/sh -c "exit 3"\n');
    writeFileSync(join(UNITS, 'slow.service'), '[Service]\nType=oneshot\nExecStart=/bin/sleep 5\n');
    writeFileSync(join(UNITS, 'quick.service'), '[Service]\nType=oneshot\nExecStart=/bin/true\n');
    writeFileSync(join(UNITS, 'brief.service'), '[Service]\nExecStart=/bin/sleep 0.5\n');
    writeFileSync(join(UNITS, 'multi-user.target'), '[Unit]\nDescription=Multi-User System\n');
    d = await scratchDaemon({}, {}, { unitDir: UNITS });
  });

  after(async () => {
    await d.close();
    execFileSync('umount', ['-l', UNITS]);
    assert.deepEqual(NAMES.flatMap((u) => cgroupDirsOf(`${u}.service`)), []);
  });

  const until = async (what: () => boolean, ms = 10_000): Promise<void> => {
    for (const end = Date.now() + ms; !what() && Date.now() < end;) await sleep(50);
    assert.ok(what(), 'condition reached in time');
  };

  test('list-units: systemctl\'s columns, bullets, legend and filters; -o json', async () => {
    assert.equal(d.systemctl('start', 'sl', 'bad').code, 0);
    await until(() => d.systemctl('is-failed', 'bad').code === 0);
    const all = d.systemctl('list-units');
    assert.equal(all.code, 0);
    assert.equal(all.stdout, [
      '  UNIT        LOAD   ACTIVE SUB     DESCRIPTION',
      '● bad.service loaded failed failed  bad.service',
      '  sl.service  loaded active running Sleeper',
      '',
      'LOAD   = Reflects whether the unit definition was properly loaded.',
      'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
      'SUB    = The low-level unit activation state, values depend on unit type.',
      '2 loaded units listed. Pass --all to see loaded but inactive units, too.',
      'To show all installed unit files use \'systemctl list-unit-files\'.',
      '',
    ].join('\n'));
    assert.equal(d.systemctl('list-units', '--failed', '--plain', '--no-legend').stdout, 'bad.service loaded failed failed bad.service\n');
    assert.equal(d.systemctl('list-units', '--state=failed', '--plain').stdout, [
      'UNIT        LOAD   ACTIVE SUB    DESCRIPTION', 'bad.service loaded failed failed bad.service', '',
      'LOAD   = Reflects whether the unit definition was properly loaded.',
      'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
      'SUB    = The low-level unit activation state, values depend on unit type.',
      '1 loaded units listed.', '',
    ].join('\n'));
    assert.equal(d.systemctl('list-units', '--type=target', 'zz*').stdout, [
      '  UNIT LOAD ACTIVE SUB DESCRIPTION',
      '0 loaded units listed. Pass --all to see loaded but inactive units, too.',
      'To show all installed unit files use \'systemctl list-unit-files\'.', '',
    ].join('\n'));
    assert.deepEqual(JSON.parse(d.systemctl('list-units', '-o', 'json', 's*').stdout), [{ unit: 'sl.service', load: 'loaded', active: 'active', sub: 'running', description: 'Sleeper' }]);
    const bogus = d.systemctl('list-units', '--type=bogus');
    assert.deepEqual([bogus.code, bogus.stderr], [1, 'Unknown unit type or load state \'bogus\'.\nUse -t help to see a list of allowed values.\n']);
  });

  test('is-failed, is-system-running and reset-failed', () => {
    const failed = d.systemctl('is-failed', 'bad', 'sl', 'nope');
    assert.deepEqual([failed.code, failed.stdout], [0, 'failed\nactive\ninactive\n']);
    assert.equal(d.systemctl('is-failed', 'sl').code, 1);
    assert.equal(d.systemctl('is-failed', '-q', 'bad').stdout, '');
    assert.deepEqual([d.systemctl('is-system-running').stdout, d.systemctl('is-system-running').code], ['degraded\n', 1]);
    const unknown = d.systemctl('reset-failed', 'nope');
    assert.deepEqual([unknown.code, unknown.stderr], [1, 'Failed to reset failed state of unit nope.service: Unit nope.service not loaded.\n']);
    assert.equal(d.systemctl('reset-failed', 'bad').code, 0);
    assert.equal(d.systemctl('show', '-p', 'ActiveState,SubState,Result', '--value', 'bad').stdout, 'success\ninactive\ndead\n');
    assert.deepEqual([d.systemctl('is-system-running').stdout, d.systemctl('is-system-running').code], ['running\n', 0]);
  });

  test('kill: signals by name or number to main, control or all; systemctl\'s refusals', async () => {
    const control = d.systemctl('kill', '--kill-whom=control', 'sl');
    assert.deepEqual([control.code, control.stderr], [1, 'Failed to kill unit sl.service: No control process to kill\n']);
    const unknown = d.systemctl('kill', 'quick');
    assert.deepEqual([unknown.code, unknown.stderr], [1, 'Failed to kill unit quick.service: Unit quick.service not loaded.\n']);
    const bogus = d.systemctl('kill', '-s', 'BOGUS', 'sl');
    assert.deepEqual([bogus.code, bogus.stderr], [1, 'Failed to parse signal string "BOGUS".\n']);
    const pid = Number(d.systemctl('show', '-p', 'MainPID', '--value', 'sl').stdout);
    assert.ok(pid > 0);
    assert.equal(d.systemctl('kill', '-s', 'STOP', '--kill-whom=main', 'sl').code, 0);
    await until(() => /^State:\s+T/m.test(readFileSafe(`/proc/${pid}/status`)));
    assert.equal(d.systemctl('kill', '--signal=18', 'sl').code, 0);
    await until(() => !/^State:\s+T/m.test(readFileSafe(`/proc/${pid}/status`)));
    // SIGHUP is a clean death for a main process: the unit rests inactive, not failed.
    assert.equal(d.systemctl('kill', '-s', 'HUP', '--kill-whom=main', 'sl').code, 0);
    await until(() => d.systemctl('is-active', 'sl').stdout === 'inactive\n');
    assert.equal(d.systemctl('is-failed', 'sl').code, 1);
  });

  test('--no-block returns with the job queued; list-jobs and list-units show it; --wait waits for the unit to end', async () => {
    const t0 = Date.now();
    assert.equal(d.systemctl('start', '--no-block', 'slow').code, 0);
    assert.ok(Date.now() - t0 < 4500, 'returned before the 5 s oneshot ended');
    await until(() => d.systemctl('list-jobs', '--no-legend').stdout !== '');
    const jobs = d.systemctl('list-jobs');
    assert.match(jobs.stdout, /^JOB UNIT +TYPE +STATE\n +\d+ slow\.service start running\n\n1 jobs listed\.\n$/);
    assert.match(d.systemctl('list-units', '--state=activating').stdout, /^ {2}UNIT +LOAD +ACTIVE +SUB +JOB +DESCRIPTION\n {2}slow\.service loaded activating start start slow\.service\n\n(.+\n){3}JOB {4}= Pending job for the unit\.\n\n1 loaded units listed\.\n$/);
    await until(() => d.systemctl('list-jobs').stdout === 'No jobs running.\n');
    assert.equal(d.systemctl('list-jobs', '--no-legend').stdout, '');
    const waited = Date.now();
    assert.equal(d.systemctl('start', '--wait', 'brief').code, 0);
    assert.ok(Date.now() - waited >= 450, 'start --wait returned once the unit ended');
    assert.equal(d.systemctl('start', '--wait', 'bad').code, 1);
    assert.equal(d.systemctl('stop', '--wait', 'bad').code, 1);
    assert.equal(d.systemctl('start', '--wait', '--no-block', 'bad').code, 1);
    d.systemctl('reset-failed');
  });

  test('enable/disable with the daemon running: links in /etc, a reload, UnitFileState and status follow', () => {
    const state = (): string => d.systemctl('show', '-p', 'UnitFileState', '--value', 'sl').stdout;
    assert.equal(d.systemctl('start', 'sl').code, 0);
    assert.equal(state(), 'disabled\n');
    const on = d.systemctl('enable', 'sl');
    assert.deepEqual([on.code, on.stderr], [0, 'Created symlink /etc/systemd/system/multi-user.target.wants/sl.service → /etc/systemd/system/sl.service.\n']);
    assert.equal(readlinkSync(join(UNITS, 'multi-user.target.wants/sl.service')), '/etc/systemd/system/sl.service');
    assert.equal(state(), 'enabled\n');
    assert.match(d.systemctl('status', 'sl', '-n0').stdout, /Loaded: loaded \(\/etc\/systemd\/system\/sl\.service; enabled; preset: enabled\)/);
    assert.equal(d.systemctl('is-enabled', 'sl').stdout, 'enabled\n');
    const off = d.systemctl('disable', '--now', 'sl');
    assert.deepEqual([off.code, off.stderr], [0, 'Removed "/etc/systemd/system/multi-user.target.wants/sl.service".\n']);
    assert.equal(existsSync(join(UNITS, 'multi-user.target.wants')), false);
    assert.equal(d.systemctl('is-active', 'sl').stdout, 'inactive\n', 'disable --now stopped it');
    assert.equal(state(), 'disabled\n');
    assert.equal(d.systemctl('show', '-p', 'UnitFileState', '--value', 'quick').stdout, 'static\n');
  });

  test('status with no unit: the manager\'s state and its cgroup tree, laid out as systemd 252\'s', () => {
    assert.equal(d.systemctl('start', 'sl').code, 0);
    const pid = d.systemctl('show', '-p', 'MainPID', '--value', 'sl').stdout.trim();
    const overview = d.systemctl('status');
    assert.equal(overview.code, 0);
    assert.match(overview.stdout, new RegExp([
      '^● \\S+', ' {4}State: running', ' {4}Units: \\d+ loaded \\(incl\\. loaded aliases\\)', ' {5}Jobs: 0 queued', ' {3}Failed: 0 units',
      ' {4}Since: \\w{3} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\w+; .+ ago', ' {4}nsbox: [\\d.]+', ' {3}CGroup: /\\S*',
      ` {11}└─sl\\.service`, ` {13}└─${pid} /bin/sleep 3600`, '$'].join('\n')));
  });

  test('status and show -o json: one JSON document', () => {
    assert.equal(d.systemctl('start', 'sl').code, 0);
    const shown = JSON.parse(d.systemctl('show', '-o', 'json', '-p', 'ActiveState,Id', 'sl').stdout) as unknown;
    assert.deepEqual(shown, [{ Id: 'sl.service', ActiveState: 'active' }]);
    const status = d.systemctl('status', '-o', 'json', 'sl');
    assert.equal(status.code, 0);
    const [st] = JSON.parse(status.stdout) as [{ id: string; activeState: string; mainPid: number }];
    assert.deepEqual([st.id, st.activeState, st.mainPid > 0], ['sl.service', 'active', true]);
    assert.equal(d.systemctl('stop', 'sl').code, 0);
  });
});

function readFileSafe(path: string): string {
  try {
    return execFileSync('cat', [path], { encoding: 'utf8' });
  } catch {
    return '';
  }
}
