// Service types and the stop path on a real daemon, against systemd 252 (observed in a booted
// bookworm container on this machine with the same units): Type=forking with PIDFile= and main-PID
// guessing, exec vs simple, TimeoutStartSec=, KillMode=, FinalKillSignal=, SendSIGKILL=, and the
// environment every command gets.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { needsRoot } from '../fixtures/plans.js';
import { alive, cgroupDirsOf, scratchDaemon, waitFor, type ScratchDaemon } from '../fixtures/manager-daemon.js';

const UNITS = ['fk', 'fkg', 'fkg2', 'fkfail', 'fknopid', 'ex', 'si', 'pto', 'nto', 'kmp', 'kmm', 'kmc', 'fks', 'nokill', 'env', 'xd', 'hup', 'rks'];
/** Names below /run, /var/lib, /var/cache, /var/log and /etc this file makes (and removes). */
const XD = `nsbox-xd-${process.pid}`;
const XD_PATHS = [`/run/${XD}`, `/run/${XD}-b`, `/var/lib/${XD}`, `/var/cache/${XD}`, `/var/log/${XD}`, `/etc/${XD}`];

/**
 * What systemd 252 (bookworm, booted in systemd-nspawn here, no /etc/locale.conf) gave
 * `Type=oneshot` + `ExecStart=/bin/sh -c "env | sort"`: the variable names (values vary).
 */
const SYSTEMD_252_ENV_NAMES = ['INVOCATION_ID', 'JOURNAL_STREAM', 'LANG', 'PATH', 'PWD', 'SYSTEMD_EXEC_PID'];
/** Not given by nsbox yet (docs/compatibility.md says why). */
const NOT_YET = ['JOURNAL_STREAM'];

describe('service types, start timeouts, KillMode= and the environment', { skip: needsRoot }, () => {
  let d: ScratchDaemon;
  const show = (unit: string, props: string): string => d.systemctl('show', '-p', props, unit).stdout;
  const value = (unit: string, prop: string): string => d.systemctl('show', '-p', prop, '--value', unit).stdout.trim();
  const leftovers: number[] = [];

  before(async () => {
    // No locale of the manager's own, as systemd 252 had none in the container compared with.
    d = await scratchDaemon({}, { LANG: '', LANGUAGE: '', LC_ALL: '', LC_CTYPE: '' });
    const pidFile = join(d.scratch, 'fk.pid');
    const units: Record<string, string> = {
      'fk.service': `[Service]\nType=forking\nPIDFile=${pidFile}\nExecStart=/bin/sh -c "sleep 3600 & echo $$! > ${pidFile}; sleep 3601 & exit 0"\n`,
      'fkg.service': '[Service]\nType=forking\nExecStart=/bin/sh -c "sleep 3600 & exit 0"\n',
      'fkg2.service': '[Service]\nType=forking\nExecStart=/bin/sh -c "sleep 3600 & sleep 3601 & exit 0"\n',
      'fkfail.service': '[Service]\nType=forking\nExecStart=/bin/sh -c "exit 3"\n',
      'fknopid.service': `[Service]\nType=forking\nTimeoutStartSec=700ms\nPIDFile=${join(d.scratch, 'nope.pid')}\nExecStart=/bin/sh -c "sleep 3600 & exit 0"\n`,
      'ex.service': '[Service]\nType=exec\nExecStart=/nonexistent/bin\n',
      'si.service': '[Service]\nType=simple\nExecStart=/nonexistent/bin\n',
      'pto.service': '[Service]\nTimeoutStartSec=500ms\nExecStartPre=/bin/sleep 5\nExecStart=/bin/sleep 3600\nExecStopPost=/bin/sh -c "echo post $SERVICE_RESULT"\n',
      'nto.service': '[Service]\nType=notify\nTimeoutStartSec=500ms\nExecStart=/bin/sleep 3600\n',
      'kmp.service': '[Service]\nKillMode=process\nExecStart=/bin/sh -c "sleep 3601 & exec sleep 3600"\n',
      // The child reports a SIGTERM it gets; KillMode=mixed gives it SIGKILL only, control-group SIGTERM.
      'kmm.service': '[Service]\nKillMode=mixed\nExecStart=/bin/sh -c "sh -c \'trap \\"echo child got TERM; exit 0\\" TERM; while :; do sleep 0.1; done\' & exec sleep 3600"\n',
      'kmc.service': '[Service]\nKillMode=control-group\nExecStart=/bin/sh -c "sh -c \'trap \\"echo child got TERM; exit 0\\" TERM; while :; do sleep 0.1; done\' & exec sleep 3600"\n',
      'fks.service': '[Service]\nExecStart=/bin/sh -c "trap \'\' TERM; exec sleep 3600"\nTimeoutStopSec=300ms\nFinalKillSignal=SIGQUIT\n',
      'nokill.service': '[Service]\nExecStart=/bin/sh -c "trap \'\' TERM; exec sleep 3600"\nTimeoutStopSec=300ms\nSendSIGKILL=no\n',
      'hup.service': '[Service]\nSendSIGHUP=yes\nTimeoutStopSec=1s\nExecStart=/bin/sh -c "trap \\"echo got TERM\\" TERM; trap \\"echo got HUP\\" HUP; echo up; while :; do sleep 0.1; done"\n',
      'rks.service': '[Service]\nRestartKillSignal=SIGUSR1\nExecStart=/bin/sh -c "trap \\"echo got USR1; exit 0\\" USR1; trap \\"echo got TERM; exit 0\\" TERM; echo up; while :; do sleep 0.1; done"\n',
      'env.service': '[Service]\nType=oneshot\nExecStart=/bin/sh -c "env | sort; echo shell=$$$$"\n',
      'xd.service': `[Service]\nType=oneshot\nRemainAfterExit=yes\nUser=nobody\nRuntimeDirectory=${XD}/a ${XD}-b\nStateDirectory=${XD}\nStateDirectoryMode=0700\n`
        + `CacheDirectory=${XD}\nLogsDirectory=${XD}\nConfigurationDirectory=${XD}\nProtectSystem=strict\n`
        + `ExecStart=/bin/sh -c "echo \\"$RUNTIME_DIRECTORY|$STATE_DIRECTORY|$CACHE_DIRECTORY|$LOGS_DIRECTORY|$CONFIGURATION_DIRECTORY\\"; touch $STATE_DIRECTORY/w && echo state-writable; touch /var/lib/${XD}-other 2>/dev/null || echo var-lib-ro"\n`,
    };
    for (const [n, t] of Object.entries(units)) d.writeUnit(n, t);
  });

  after(async () => {
    for (const pid of leftovers) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await d.close();
    for (const p of XD_PATHS) rmSync(p, { recursive: true, force: true });
    // Cgroups the stop path had to leave (processes it was told not to kill) are the test's to remove.
    for (const u of UNITS) {
      for (const dir of cgroupDirsOf(`${u}.service`).reverse()) {
        await waitFor(() => readFileSync(join(dir, 'cgroup.procs'), 'utf8') === '', 2000);
        try {
          rmdirSync(dir);
        } catch {
          // asserted below
        }
      }
    }
    assert.deepEqual(UNITS.flatMap((u) => cgroupDirsOf(`${u}.service`)), []);
  });

  test('Type=forking with PIDFile=: the pid in the file is the main PID; stop takes every process', async () => {
    const start = d.systemctl('start', 'fk.service');
    assert.equal(start.code, 0, start.stderr);
    const pid = Number(readFileSync(join(d.scratch, 'fk.pid'), 'utf8'));
    assert.equal(show('fk.service', 'MainPID,ExecMainPID,ActiveState,SubState'), `MainPID=${pid}\nExecMainPID=${pid}\nActiveState=active\nSubState=running\n`);
    const cgroups = cgroupDirsOf('fk.service');
    assert.equal(d.systemctl('stop', 'fk.service').code, 0);
    assert.equal(alive(pid), false);
    for (const dir of cgroups) assert.equal(await waitFor(() => { try { readFileSync(join(dir, 'cgroup.procs')); return false; } catch { return true; } }), true, `${dir} removed`);
  });

  test('Type=forking without PIDFile=: the one daemonized process is guessed as main; two leave MainPID=0, still running', async () => {
    assert.equal(d.systemctl('start', 'fkg.service', 'fkg2.service').code, 0);
    const pid = Number(value('fkg.service', 'MainPID'));
    assert.ok(pid > 0);
    assert.equal(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\x003600\x00');
    assert.equal(show('fkg2.service', 'MainPID,ActiveState,SubState'), 'MainPID=0\nActiveState=active\nSubState=running\n');
    // The guessed main process ending ends the unit (seen by polling: it is not the daemon's child).
    process.kill(pid, 'SIGTERM');
    assert.equal(await waitFor(() => d.systemctl('is-active', 'fkg.service').stdout === 'inactive\n'), true);
    assert.equal(value('fkg.service', 'Result'), 'success');
    assert.equal(d.systemctl('stop', 'fkg2.service').code, 0);
  });

  test('Type=forking: a failing ExecStart= fails the start as a control process; a PIDFile= that never comes times out', () => {
    const fail = d.systemctl('start', 'fkfail.service');
    assert.equal(fail.code, 1);
    assert.match(d.journal('fkfail.service'), /^fkfail\.service: Control process exited, code=exited, status=3\/NOTIMPLEMENTED\nfkfail\.service: Failed with result 'exit-code'\.\nFailed to start fkfail\.service\.$/m);
    const nopid = d.systemctl('start', 'fknopid.service');
    assert.equal(nopid.code, 1);
    assert.match(nopid.stderr, /because a timeout was exceeded/);
    assert.equal(value('fknopid.service', 'Result'), 'timeout');
    const log = d.journal('fknopid.service');
    assert.match(log, /^fknopid\.service: Can't open PID file .*nope\.pid \(yet\?\) after start: No such file or directory$/m);
    assert.match(log, /^fknopid\.service: start operation timed out\. Terminating\.$/m);
  });

  test('Type=exec fails the start when the exec fails; Type=simple reports started, then the unit fails with 203/EXEC', async () => {
    const ex = d.systemctl('start', 'ex.service');
    assert.equal(ex.code, 1);
    assert.equal(show('ex.service', 'Result,ExecMainStatus,ActiveState'), 'Result=exit-code\nExecMainStatus=203\nActiveState=failed\n');
    const si = d.systemctl('start', 'si.service');
    assert.equal(si.code, 0, 'systemd 252: start of a simple service whose binary is missing exits 0');
    assert.equal(show('si.service', 'Result,ExecMainStatus,ActiveState'), 'Result=exit-code\nExecMainStatus=203\nActiveState=failed\n');
    assert.match(d.journal('si.service'), /^Started si\.service\.\nsi\.service: Main process exited, code=exited, status=203\/EXEC\nsi\.service: Failed with result 'exit-code'\.$/m);
  });

  test('TimeoutStartSec=: an ExecStartPre= past it is terminated, Result=timeout, ExecStopPost= runs; a notify service that never says READY=1 too', () => {
    const t0 = Date.now();
    const pto = d.systemctl('start', 'pto.service');
    assert.equal(pto.code, 1);
    assert.ok(Date.now() - t0 < 4000, 'the 5 s ExecStartPre= did not run out');
    assert.match(pto.stderr, /^Job for pto\.service failed because a timeout was exceeded\./);
    assert.match(d.journal('pto.service'), /^pto\.service: start-pre operation timed out\. Terminating\.\npto\.service: Control process exited, code=killed, status=15\/TERM\npost timeout\npto\.service: Failed with result 'timeout'\.\nFailed to start pto\.service\.$/m);
    const nto = d.systemctl('start', 'nto.service');
    assert.equal(nto.code, 1);
    assert.equal(show('nto.service', 'Result,ActiveState'), 'Result=timeout\nActiveState=failed\n');
    assert.match(d.journal('nto.service'), /^nto\.service: start operation timed out\. Terminating\.$/m);
  });

  test('KillMode=process: only the main process is stopped; what stays is reported, and noted at the next start', async () => {
    assert.equal(d.systemctl('start', 'kmp.service').code, 0);
    const main = Number(value('kmp.service', 'MainPID'));
    assert.equal(d.systemctl('stop', 'kmp.service').code, 0);
    assert.equal(alive(main), false);
    const left = /kmp\.service: Unit process (\d+) \(sleep\) remains running after unit stopped\./.exec(d.journal('kmp.service'));
    assert.ok(left, d.journal('kmp.service'));
    const child = Number(left[1]);
    leftovers.push(child);
    assert.equal(alive(child), true);
    assert.equal(d.systemctl('start', 'kmp.service').code, 0);
    assert.match(d.journal('kmp.service'), new RegExp(`kmp\\.service: Found left-over process ${child} \\(sleep\\) in control group while starting unit\\. Ignoring\\.`));
    assert.equal(d.systemctl('stop', 'kmp.service').code, 0);
    for (const m of d.journal('kmp.service').matchAll(/Unit process (\d+) \(sleep\) remains/g)) leftovers.push(Number(m[1]));
  });

  test('KillMode=mixed: SIGTERM to the main process only, the rest SIGKILL; control-group: SIGTERM to all', async () => {
    assert.equal(d.systemctl('start', 'kmm.service', 'kmc.service').code, 0);
    await sleep(300);
    assert.equal(d.systemctl('stop', 'kmm.service', 'kmc.service').code, 0);
    await sleep(300);
    assert.doesNotMatch(d.journal('kmm.service'), /child got TERM/);
    assert.match(d.journal('kmc.service'), /^child got TERM$/m);
    assert.equal(d.systemctl('is-active', 'kmm.service', 'kmc.service').stdout, 'inactive\ninactive\n');
  });

  test('FinalKillSignal= after TimeoutStopSec=: Result=timeout, killed by it; SendSIGKILL=no leaves the process and says so', async () => {
    assert.equal(d.systemctl('start', 'fks.service').code, 0);
    assert.equal(d.systemctl('stop', 'fks.service').code, 0);
    assert.equal(show('fks.service', 'Result,ExecMainCode,ExecMainStatus,ActiveState'), 'Result=timeout\nExecMainCode=2\nExecMainStatus=3\nActiveState=failed\n');
    assert.match(d.journal('fks.service'), /^fks\.service: State 'stop-sigterm' timed out\. Killing\.\nfks\.service: Killing process \d+ \(sleep\) with signal SIGQUIT\.\nfks\.service: Main process exited, code=killed, status=3\/QUIT\n/m);
    assert.equal(d.systemctl('start', 'nokill.service').code, 0);
    const main = Number(value('nokill.service', 'MainPID'));
    leftovers.push(main);
    assert.equal(d.systemctl('stop', 'nokill.service').code, 0);
    assert.equal(show('nokill.service', 'Result,ActiveState'), 'Result=timeout\nActiveState=failed\n');
    assert.equal(alive(main), true);
    assert.match(d.journal('nokill.service'), /^nokill\.service: State 'stop-sigterm' timed out\. Skipping SIGKILL\.\nnokill\.service: State 'final-sigterm' timed out\. Skipping SIGKILL\. Entering failed mode\.\nnokill\.service: Failed with result 'timeout'\.\nnokill\.service: Unit process \d+ \(sleep\) remains running after unit stopped\.$/m);
  });

  test('the environment a command gets: the names systemd 252 gives (less JOURNAL_STREAM), LANG=C.UTF-8 without a locale, SYSTEMD_EXEC_PID its own pid', () => {
    assert.equal(d.systemctl('start', 'env.service').code, 0);
    const lines = d.journal('env.service').split('\n').filter((l) => /^[A-Z_]+=/.test(l));
    const names = lines.map((l) => l.slice(0, l.indexOf('=')));
    assert.deepEqual(names, SYSTEMD_252_ENV_NAMES.filter((n) => !NOT_YET.includes(n)));
    assert.ok(lines.includes('LANG=C.UTF-8'), lines.join('\n'));
    assert.ok(lines.includes('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'));
    assert.match(lines.find((l) => l.startsWith('INVOCATION_ID='))!, /^INVOCATION_ID=[0-9a-f]{32}$/);
    const shell = /^shell=(\d+)$/m.exec(d.journal('env.service'))?.[1];
    assert.ok(lines.includes(`SYSTEMD_EXEC_PID=${shell}`), 'SYSTEMD_EXEC_PID is the command\'s own pid');
  });

  test('RuntimeDirectory= and friends: made with *DirectoryMode=, owned by User=, named in $*_DIRECTORY, writable under ProtectSystem=strict; runtime ones go at stop (as systemd 252)', () => {
    const start = d.systemctl('start', 'xd.service');
    assert.equal(start.code, 0, start.stderr + d.journal('xd.service'));
    const log = d.journal('xd.service');
    assert.ok(log.includes(`/run/${XD}/a:/run/${XD}-b|/var/lib/${XD}|/var/cache/${XD}|/var/log/${XD}|/etc/${XD}\nstate-writable\nvar-lib-ro\n`), log);
    const owner = (p: string): string => {
      const st = statSync(p);
      return `${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8)}`;
    };
    // What systemd 252 made for the same unit: the parent root's, each directory nobody's.
    assert.equal(owner(`/run/${XD}`), '0:0 755');
    for (const p of [`/run/${XD}/a`, `/run/${XD}-b`, `/var/cache/${XD}`, `/var/log/${XD}`, `/etc/${XD}`]) assert.equal(owner(p), '65534:65534 755', p);
    assert.equal(owner(`/var/lib/${XD}`), '65534:65534 700');
    assert.equal(d.systemctl('stop', 'xd.service').code, 0);
    assert.equal(existsSync(`/run/${XD}/a`), false);
    assert.equal(existsSync(`/run/${XD}-b`), false);
    assert.equal(existsSync(`/run/${XD}`), true, 'the parent stays, as in systemd');
    assert.equal(existsSync(`/var/lib/${XD}/w`), true, 'StateDirectory= stays');
  });

  test('SendSIGHUP=yes: SIGHUP follows KillSignal=; RestartKillSignal= is what a restart job stops with, KillSignal= a stop', async () => {
    assert.equal(d.systemctl('start', 'hup.service', 'rks.service').code, 0);
    assert.equal(await waitFor(() => /^up$/m.test(d.journal('hup.service')) && /^up$/m.test(d.journal('rks.service'))), true);
    assert.equal(d.systemctl('stop', 'hup.service').code, 0);
    const hup = d.journal('hup.service');
    assert.match(hup, /^got TERM$/m);
    assert.match(hup, /^got HUP$/m);
    assert.equal(d.systemctl('restart', 'rks.service').code, 0);
    assert.equal(await waitFor(() => (d.journal('rks.service').match(/^up$/gm) ?? []).length === 2), true);
    assert.equal(d.systemctl('stop', 'rks.service').code, 0);
    const rks = d.journal('rks.service');
    assert.ok(rks.indexOf('got USR1') >= 0 && rks.indexOf('got USR1') < rks.indexOf('got TERM'), rks);
  });
});
