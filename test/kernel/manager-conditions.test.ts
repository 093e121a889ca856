// Condition*=/Assert*=, ExecCondition= and the reload jobs (reload, try-restart,
// reload-or-restart) on a real daemon, against what systemd 252 does with the same units (seen in
// a booted bookworm container on this machine: wording, job results, show's properties).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { needsRoot } from '../fixtures/plans.js';
import { alive, cgroupDirsOf, scratchDaemon, waitFor, type ScratchDaemon } from '../fixtures/manager-daemon.js';

/** Checks that hold on this machine (each true here; a `!` in front makes it false). */
function trueChecks(scratch: string): [string, string][] {
  const firstArg = readFileSync('/proc/cmdline', 'utf8').trim().split(/\s+/)[0]!.split('=')[0]!;
  const virt = spawnSync('systemd-detect-virt', { encoding: 'utf8' });
  return [
    ['ConditionPathExists', '/etc/passwd'],
    ['ConditionPathIsDirectory', '/etc'],
    ['ConditionPathIsSymbolicLink', '/proc/self'],
    ['ConditionPathIsMountPoint', '/proc'],
    ['ConditionPathIsReadWrite', scratch],
    ['ConditionDirectoryNotEmpty', '/etc'],
    ['ConditionFileNotEmpty', '/etc/passwd'],
    ['ConditionFileIsExecutable', '/bin/sh'],
    ['ConditionPathExistsGlob', '/etc/pass*'],
    ['ConditionNeedsUpdate', scratch],
    ['ConditionFirstBoot', 'no'],
    ['ConditionHost', hostname()],
    ['ConditionKernelCommandLine', firstArg],
    ['ConditionEnvironment', 'NSBOX_COND_TEST=1'],
    ['ConditionUser', 'root'],
    ['ConditionGroup', 'root'],
    // systemd-detect-virt's own answer names what ConditionVirtualization= must match.
    ...(virt.status === 0 || virt.status === 1 ? [['ConditionVirtualization', virt.stdout.trim() === 'none' ? 'no' : virt.stdout.trim()] as [string, string]] : []),
  ];
}

describe('Condition*=, Assert*=, ExecCondition= and reload jobs', { skip: needsRoot }, () => {
  let d: ScratchDaemon;
  const show = (unit: string, props: string): string => d.systemctl('show', '-p', props, unit).stdout;
  const mainPid = (unit: string): number => Number(d.systemctl('show', '-p', 'MainPID', '--value', unit).stdout.trim());

  before(async () => {
    d = await scratchDaemon({
      // Keeps the units it wants referenced, so they stay in memory for show (as in systemd).
      'hold.target': '[Unit]\nWants=cond.service assert.service ec1.service\n',
      'cond.service': '[Unit]\nConditionPathExists=/nonexistent-nsbox\n[Service]\nExecStart=/bin/sh -c "echo main ran; exec sleep 3600"\n',
      'assert.service': '[Unit]\nAssertPathExists=/nonexistent-nsbox\n[Service]\nExecStart=/bin/sleep 3600\n',
      'trigger.service': '[Unit]\nConditionPathExists=|/nonexistent-nsbox\nConditionPathIsDirectory=|/etc\n[Service]\nType=oneshot\nExecStart=/bin/echo triggered\n',
      'trigger-none.service': '[Unit]\nConditionPathExists=|/nonexistent-nsbox\nConditionPathExists=|!/etc\n[Service]\nType=oneshot\nExecStart=/bin/echo never\n',
      'ec1.service': '[Service]\nExecCondition=/bin/sh -c "exit 1"\nExecStart=/bin/sh -c "echo main ran; exec sleep 3600"\nExecStopPost=/bin/sh -c "echo post $SERVICE_RESULT"\n',
      'ec255.service': '[Service]\nExecCondition=/bin/sh -c "exit 255"\nExecStart=/bin/sleep 3600\nExecStopPost=/bin/sh -c "echo post $SERVICE_RESULT"\n',
      'ecsig.service': '[Service]\nExecCondition=/bin/sh -c "kill -9 $$$$"\nExecStart=/bin/sleep 3600\n',
      'ec0.service': '[Service]\nExecCondition=/bin/true\nExecCondition=-/bin/sh -c "exit 7"\nExecStart=/bin/sleep 3600\n',
      'rl.service': '[Service]\nExecStart=/bin/sleep 3600\nExecReload=/bin/sh -c "echo reload MAINPID=$MAINPID"\n',
      'norl.service': '[Service]\nExecStart=/bin/sleep 3600\n',
      'rlfail.service': '[Service]\nExecStart=/bin/sleep 3600\nExecReload=/bin/false\n',
      'rlslow.service': '[Service]\nTimeoutStartSec=500ms\nExecStart=/bin/sleep 3600\nExecReload=/bin/sleep 5\n',
      'ctarget.target': '[Unit]\nConditionPathExists=/nonexistent-nsbox\n',
      'atarget.target': '[Unit]\nAssertPathExists=/nonexistent-nsbox\n',
      // Says RELOADING=1 at once, READY=1 again only when the test creates the file `reloaded` (NSBOX_GO).
      'nrl.service': '[Service]\nType=notify\nNotifyAccess=all\nPassEnvironment=NSBOX_GO\nExecStart=/bin/sh -c "systemd-notify --ready; systemd-notify RELOADING=1; while [ ! -e $NSBOX_GO ]; do sleep 0.05; done; systemd-notify READY=1; exec sleep 3600"\n',
    }, { NSBOX_COND_TEST: '1', NSBOX_GO: `${tmpdir()}/nsbox-cond-go-${process.pid}` });
  });

  after(async () => {
    await d.close();
    const left = ['rlslow', 'nrl', 'cond', 'assert', 'trigger', 'ec1', 'ec255', 'ecsig', 'ec0', 'rl', 'norl', 'rlfail'].flatMap((u) => cgroupDirsOf(`${u}.service`));
    assert.deepEqual(left, [], 'no cgroup left behind');
  });

  test('an unmet condition skips the unit: start exits 0, nothing runs, ConditionResult=no with its timestamp (systemd 252)', () => {
    assert.equal(d.systemctl('start', 'hold.target').code, 0);
    const start = d.systemctl('start', 'cond.service');
    assert.deepEqual([start.code, start.stderr], [0, '']);
    assert.equal(show('cond.service', 'ActiveState,SubState,Result,ConditionResult'), 'Result=success\nActiveState=inactive\nSubState=dead\nConditionResult=no\n');
    assert.match(show('cond.service', 'ConditionTimestamp'), /^ConditionTimestamp=\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+\n$/);
    const log = d.journal('cond.service');
    assert.match(log, /^cond\.service was skipped because of an unmet condition check \(ConditionPathExists=\/nonexistent-nsbox\)\.$/m);
    assert.doesNotMatch(log, /main ran|Starting/);
    const status = d.systemctl('status', 'cond.service');
    assert.equal(status.code, 3);
    assert.match(status.stdout, /^ {5}Active: inactive \(dead\)\n {2}Condition: start condition failed at \w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+; \d+s ago\n {13}└─ ConditionPathExists=\/nonexistent-nsbox was not met$/m);
  });

  test('an unmet assert fails the start (exit 1, "Assertion failed on job") and leaves the unit inactive, AssertResult=no', () => {
    const start = d.systemctl('start', 'assert.service');
    assert.deepEqual([start.code, start.stderr], [1, 'Assertion failed on job for assert.service.\n']);
    assert.equal(show('assert.service', 'ActiveState,ConditionResult,AssertResult'), 'ActiveState=inactive\nConditionResult=yes\nAssertResult=no\n');
    assert.match(d.journal('assert.service'), /^assert\.service: Starting requested but asserts failed\.\nAssertion failed for assert\.service\.$/m);
    assert.match(d.systemctl('status', 'assert.service').stdout, /^ {5}Assert: start assertion failed at .+; \d+s ago\n {13}AssertPathExists=\/nonexistent-nsbox was not met$/m);
  });

  test('a target with an unmet condition is skipped, with an unmet assert fails its job', () => {
    assert.equal(d.systemctl('start', 'ctarget.target').code, 0);
    assert.equal(d.systemctl('is-active', 'ctarget.target').stdout, 'inactive\n');
    assert.match(d.journal('ctarget.target'), /^ctarget\.target was skipped because of an unmet condition check \(ConditionPathExists=\/nonexistent-nsbox\)\.$/m);
    const a = d.systemctl('start', 'atarget.target');
    assert.deepEqual([a.code, a.stderr], [1, 'Assertion failed on job for atarget.target.\n']);
    assert.equal(d.systemctl('is-active', 'atarget.target').stdout, 'inactive\n');
  });

  test('triggering (|) conditions: one that holds is enough; none holding skips the unit', () => {
    assert.equal(d.systemctl('start', 'trigger.service').code, 0);
    assert.match(d.journal('trigger.service'), /^triggered$/m);
    assert.equal(d.systemctl('start', 'trigger-none.service').code, 0);
    assert.match(d.journal('trigger-none.service'), /was skipped because of an unmet condition check \(ConditionPathExists=\|\/nonexistent-nsbox\)\./);
    assert.doesNotMatch(d.journal('trigger-none.service'), /never/);
  });

  test('each supported condition kind: true here runs the unit, the same with ! skips it, the Assert twin fails it', async () => {
    const checks = trueChecks(d.scratch);
    const names: string[] = [];
    checks.forEach(([kind, value], i) => {
      d.writeUnit(`pos${i}.service`, `[Unit]\n${kind}=${value}\n[Service]\nType=oneshot\nExecStart=/bin/echo pos${i} ran\n`);
      d.writeUnit(`neg${i}.service`, `[Unit]\n${kind}=!${value}\n[Service]\nType=oneshot\nExecStart=/bin/echo neg${i} ran\n`);
      d.writeUnit(`as${i}.service`, `[Unit]\n${kind.replace(/^Condition/, 'Assert')}=!${value}\n[Service]\nType=oneshot\nExecStart=/bin/echo as${i} ran\n`);
      names.push(`pos${i}`, `neg${i}`, `as${i}`);
    });
    const r = d.systemctl('start', ...names);
    const log = d.run('journalctl', '-o', 'cat').stdout;
    checks.forEach(([kind, value], i) => {
      assert.match(log, new RegExp(`^pos${i} ran$`, 'm'), `${kind}=${value} holds`);
      assert.doesNotMatch(log, new RegExp(`^neg${i} ran$`, 'm'), `${kind}=!${value} does not`);
      assert.ok(log.includes(`neg${i}.service was skipped because of an unmet condition check (${kind}=!${value}).`), `${kind}: ${log.slice(-2000)}`);
      assert.ok(r.stderr.includes(`Assertion failed on job for as${i}.service.`), `${kind}'s Assert twin`);
    });
    assert.equal(r.code, 1, 'the failed asserts fail the command');
  });

  test('ExecCondition= exit 1-254 skips the unit: Result=exec-condition, inactive (not failed), ExecStopPost= runs, start exits 0', () => {
    const start = d.systemctl('start', 'ec1.service');
    assert.deepEqual([start.code, start.stderr], [0, '']);
    assert.equal(show('ec1.service', 'ActiveState,SubState,Result,ConditionResult'), 'Result=exec-condition\nActiveState=inactive\nSubState=dead\nConditionResult=no\n');
    const log = d.journal('ec1.service');
    assert.match(log, /^Starting ec1\.service\.\.\.\npost exec-condition\nec1\.service: Skipped due to 'exec-condition'\.\nCondition check resulted in ec1\.service being skipped\.$/m);
    assert.doesNotMatch(log, /main ran/);
    const status = d.systemctl('status', 'ec1.service').stdout;
    assert.match(status, /^ {5}Active: inactive \(dead\) \(Result: exec-condition\) since .+\n {2}Condition: start condition failed at .+; \d+s ago\n {4}Process: \d+ ExecCondition=\/bin\/sh -c exit 1 \(code=exited, status=1\/FAILURE\)$/m);
  });

  test('ExecCondition= exit 255 or a signal is a failure; `-` and exit 0 go on', () => {
    const start = d.systemctl('start', 'ec255.service');
    assert.equal(start.code, 1);
    assert.match(start.stderr, /^Job for ec255\.service failed because the control process exited with error code\./);
    assert.equal(show('ec255.service', 'ActiveState,Result'), 'Result=exit-code\nActiveState=failed\n');
    assert.match(d.journal('ec255.service'), /^ec255\.service: Condition check process exited, code=exited, status=255\/EXCEPTION\npost exit-code\nec255\.service: Failed with result 'exit-code'\.\nFailed to start ec255\.service\.$/m);
    assert.equal(d.systemctl('start', 'ecsig.service').code, 1);
    assert.equal(show('ecsig.service', 'ActiveState,Result'), 'Result=signal\nActiveState=failed\n');
    assert.equal(d.systemctl('start', 'ec0.service').code, 0);
    assert.equal(d.systemctl('is-active', 'ec0.service').stdout, 'active\n');
    assert.equal(d.systemctl('stop', 'ec0.service').code, 0);
  });

  test('reload: ExecReload= with MAINPID, the unit keeps running; of an inactive unit the job is invalid', async () => {
    const early = await d.client.job('rl.service', 'reload');
    assert.equal(early.result, 'invalid');
    assert.match(d.journal('rl.service'), /^rl\.service: Unit cannot be reloaded because it is inactive\.$/m);
    assert.equal(d.systemctl('start', 'rl.service').code, 0);
    const pid = mainPid('rl.service');
    assert.equal((await d.client.job('rl.service', 'reload')).result, 'done');
    assert.equal(mainPid('rl.service'), pid);
    assert.equal(show('rl.service', 'ActiveState,SubState,ReloadResult'), 'ReloadResult=success\nActiveState=active\nSubState=running\n');
    assert.match(d.journal('rl.service'), new RegExp(`^Reloading rl\\.service\\.\\.\\.\\nreload MAINPID=${pid}\\nReloaded rl\\.service\\.$`, 'm'));
    assert.equal((await d.client.job('rl.service', 'reload-or-restart')).result, 'done');
    assert.equal(mainPid('rl.service'), pid, 'reload-or-restart of an active unit that can reload reloads');
    assert.equal((await d.client.job('rl.service', 'try-restart')).result, 'done');
    const restarted = mainPid('rl.service');
    assert.ok(restarted > 0 && restarted !== pid, 'try-restart of an active unit restarts it');
    assert.equal(await waitFor(() => !alive(pid)), true);
    assert.equal(d.systemctl('stop', 'rl.service').code, 0);
  });

  test('reload of a unit without ExecReload= is refused with JOB_TYPE_NOT_APPLICABLE (systemctl exits 3); try-restart and reload-or-restart still work', async () => {
    await assert.rejects(d.client.job('norl.service', 'reload'), (e: Error & { code?: string }) => e.code === 'JOB_TYPE_NOT_APPLICABLE' && e.message === 'Job type reload is not applicable for unit norl.service.');
    assert.equal((await d.client.job('norl.service', 'try-restart')).result, 'done');
    assert.equal(d.systemctl('is-active', 'norl.service').stdout, 'inactive\n', 'try-restart of an inactive unit does nothing');
    assert.equal((await d.client.job('norl.service', 'reload-or-restart')).result, 'done');
    const pid = mainPid('norl.service');
    assert.ok(pid > 0, 'reload-or-restart of an inactive unit starts it');
    await assert.rejects(d.client.job('norl.service', 'reload'), /not applicable/);
    // systemctl 252's words and exit codes for both refusals.
    const cli = d.systemctl('reload', 'norl.service');
    assert.deepEqual([cli.code, cli.stderr], [3, 'Failed to reload norl.service: Job type reload is not applicable for unit norl.service.\n']);
    const inactive = d.systemctl('reload', 'rl.service');
    assert.deepEqual([inactive.code, inactive.stderr], [1, 'rl.service is not active, cannot reload.\n']);
    assert.equal((await d.client.job('norl.service', 'reload-or-restart')).result, 'done');
    assert.notEqual(mainPid('norl.service'), pid, 'and restarts an active one that cannot reload');
    assert.equal(d.systemctl('stop', 'norl.service').code, 0);
  });

  test('a failing ExecReload= fails the job, leaves the unit running with ReloadResult=exit-code', async () => {
    assert.equal(d.systemctl('start', 'rlfail.service').code, 0);
    assert.equal((await d.client.job('rlfail.service', 'reload')).result, 'failed');
    assert.equal(show('rlfail.service', 'ActiveState,SubState,Result,ReloadResult'), 'Result=success\nReloadResult=exit-code\nActiveState=active\nSubState=running\n');
    assert.match(d.journal('rlfail.service'), /^rlfail\.service: Control process exited, code=exited, status=1\/FAILURE\nReload failed for rlfail\.service\.$/m);
    assert.equal(d.systemctl('stop', 'rlfail.service').code, 0);
  });

  test('Type=notify: RELOADING=1 takes the unit to reload, the next READY=1 back to running', async () => {
    assert.equal(d.systemctl('start', 'nrl.service').code, 0);
    const sub = (): string => d.systemctl('show', '-p', 'SubState', '--value', 'nrl.service').stdout.trim();
    assert.equal(await waitFor(() => sub() === 'reload', 5000), true);
    assert.equal(d.systemctl('is-active', 'nrl.service').stdout, 'reloading\n');
    writeFileSync(d.env['NSBOX_GO']!, '');
    try {
      assert.equal(await waitFor(() => sub() === 'running', 5000), true);
    } finally {
      rmSync(d.env['NSBOX_GO']!, { force: true });
    }
    assert.match(d.journal('nrl.service'), /^Reloading nrl\.service\.\.\.\nReloaded nrl\.service\.$/m);
    assert.equal(d.systemctl('stop', 'nrl.service').code, 0);
  });

  test('an ExecReload= past TimeoutStartSec= is killed: the job fails, ReloadResult=timeout, the unit keeps running', async () => {
    assert.equal(d.systemctl('start', 'rlslow.service').code, 0);
    const t0 = Date.now();
    assert.equal((await d.client.job('rlslow.service', 'reload')).result, 'failed');
    assert.ok(Date.now() - t0 < 4000, 'the 5 s reload did not run out');
    assert.equal(show('rlslow.service', 'ActiveState,SubState,Result,ReloadResult'), 'Result=success\nReloadResult=timeout\nActiveState=active\nSubState=running\n');
    assert.match(d.journal('rlslow.service'), /^rlslow\.service: Reload operation timed out\. Killing reload process\.\nReload failed for rlslow\.service\.$/m);
    assert.equal(d.systemctl('stop', 'rlslow.service').code, 0);
  });
});
