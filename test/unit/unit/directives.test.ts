import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexUnitFile } from '../../../src/unit/lexer.js';
import { applyAssignments } from '../../../src/unit/parse.js';
import { host } from './specifiers.test.js';

const parse = (text: string, name = 'x.service') =>
  applyAssignments([lexUnitFile(text, `/u/${name}`)], 'service', { unitName: name, fragmentPath: `/u/${name}`, host });

test('applyAssignments() resets a list on an empty assignment, then appends again', () => {
  const r = parse('[Service]\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2 "C=3 4"\nExecStart=/bin/a\nExecStart=\nExecStart=/bin/b\n');
  assert.deepEqual(r.settings.exec.environment, ['B=2', 'C=3 4']);
  assert.deepEqual(r.settings.service.execStart.map((c) => c.path), ['/bin/b']);
});

test('applyAssignments() maps old names onto the same fields', () => {
  const r = parse('[Service]\nReadOnlyDirectories=/a\nReadOnlyPaths=-+/b\nInaccessibleDirectories=/c\nReadWriteDirectories=/d\n');
  assert.deepEqual(r.settings.exec.readOnlyPaths, [
    { path: '/a', ignoreMissing: false, relativeToRoot: false },
    { path: '/b', ignoreMissing: true, relativeToRoot: true },
  ]);
  assert.equal(r.settings.exec.inaccessiblePaths[0]!.path, '/c');
  assert.equal(r.settings.exec.readWritePaths[0]!.path, '/d');
});

test('applyAssignments() warns and skips a non-normalized path but keeps the others', () => {
  const r = parse('[Service]\nReadOnlyPaths=/q/../r "/y z"\n');
  assert.deepEqual(r.settings.exec.readOnlyPaths.map((p) => p.path), ['/y z']);
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0]!.line, 2);
});

test('applyAssignments() reports unknown keys with file, line and key', () => {
  const r = parse('[Service]\nFooBar=1\nX-Mine=2\n');
  assert.deepEqual(r.diagnostics.map((d) => [d.file, d.line, d.key, d.message]), [
    ['/u/x.service', 2, 'FooBar', "Unknown key 'FooBar' in section [Service], ignoring."],
  ]);
});

test('applyAssignments() keeps known but unmodelled directives verbatim', () => {
  const r = parse('[Service]\nMemoryMax=1G\nCPUWeight=20\nCPUWeight=\n');
  assert.deepEqual(r.settings.other, { 'Service.MemoryMax': ['1G'], 'Service.CPUWeight': [] });
  assert.equal(r.diagnostics.length, 0);
});

test('applyAssignments() ignores an invalid value with a warning and keeps the default', () => {
  const r = parse('[Service]\nRestart=bogus\nPrivateTmp=maybe\n');
  assert.equal(r.settings.service.restart, 'no');
  assert.equal(r.settings.exec.privateTmp, false);
  assert.deepEqual(r.diagnostics.map((d) => d.severity), ['warning', 'warning']);
});

test('applyAssignments() fails the unit on a bad Exec line or User=, unless the line has -', () => {
  assert.equal(parse('[Service]\nExecStart=rel/x\n').diagnostics[0]!.severity, 'error');
  assert.equal(parse('[Service]\nUser=-bad\n').diagnostics[0]!.severity, 'error');
  assert.equal(parse('[Service]\nExecStart=-rel/x\n').diagnostics[0]!.severity, 'warning');
  assert.equal(parse('[Service]\nExecStart=/bin/%z\n').diagnostics[0]!.severity, 'error');
});

test('applyAssignments() merges capability lines like systemd 252', () => {
  const r = parse('[Service]\nCapabilityBoundingSet=CAP_CHOWN CAP_KILL\nCapabilityBoundingSet=~CAP_KILL CAP_SYS_ADMIN\nAmbientCapabilities=CAP_CHOWN\nAmbientCapabilities=\nAmbientCapabilities=CAP_KILL\n');
  assert.deepEqual(r.settings.exec.capabilityBoundingSet, [0]);
  assert.deepEqual(r.settings.exec.ambientCapabilities, [5]);
  const reset = parse('[Service]\nCapabilityBoundingSet=\nCapabilityBoundingSet=CAP_KILL\n');
  assert.deepEqual(reset.settings.exec.capabilityBoundingSet, [5]);
  assert.equal(parse('[Service]\n').settings.exec.capabilityBoundingSet, undefined);
});

test('applyAssignments() reads RestrictNamespaces= lists with ~ removing', () => {
  assert.deepEqual(parse('[Service]\nRestrictNamespaces=ipc net\nRestrictNamespaces=~net\n').settings.exec.restrictNamespaces, ['ipc']);
  assert.deepEqual(parse('[Service]\nRestrictNamespaces=yes\n').settings.exec.restrictNamespaces, []);
  assert.deepEqual(parse('[Service]\nRestrictNamespaces=no\n').settings.exec.restrictNamespaces, ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts']);
  // After =no a list adds to "everything" (systemd merges), after nothing it replaces it; empty resets.
  assert.equal(parse('[Service]\nRestrictNamespaces=no\nRestrictNamespaces=pid\n').settings.exec.restrictNamespaces?.length, 7);
  assert.deepEqual(parse('[Service]\nRestrictNamespaces=pid\n').settings.exec.restrictNamespaces, ['pid']);
  assert.equal(parse('[Service]\nRestrictNamespaces=yes\nRestrictNamespaces=\n').settings.exec.restrictNamespaces, undefined);
});

test('applyAssignments() reads bind paths, temporary file systems and limits', () => {
  const r = parse('[Service]\nBindPaths=-/a:/b:norbind /c "/d\\:x"\nTemporaryFileSystem=/t:mode=0700,size=1M /u\nLimitNOFILE=100:infinity\nLimitCORE=1K\nLimitCPU=1min\nLimitNICE=+5\n');
  assert.deepEqual(r.settings.exec.bindPaths, [
    { source: '/a', destination: '/b', ignoreMissing: true, recursive: false },
    { source: '/c', destination: '/c', ignoreMissing: false, recursive: true },
    { source: '/d:x', destination: '/d:x', ignoreMissing: false, recursive: true },
  ]);
  assert.deepEqual(r.settings.exec.temporaryFileSystem, [{ path: '/t', options: 'mode=0700,size=1M' }, { path: '/u', options: '' }]);
  assert.deepEqual(r.settings.exec.limits, {
    nofile: { soft: 100, hard: null }, core: { soft: 1024, hard: 1024 }, cpu: { soft: 60, hard: 60 }, nice: { soft: 15, hard: 15 },
  });
});

test('applyAssignments() reads service timeouts, PIDFile and exit statuses as systemd does', () => {
  const r = parse('[Service]\nExecStart=/bin/true\nTimeoutStartSec=0\nPIDFile=foo.pid\nSuccessExitStatus=1 2 SIGKILL TEMPFAIL\nRestartSec=1min 30s\n');
  assert.equal(r.settings.service.timeoutStartSec, Infinity);
  assert.equal(r.settings.service.pidFile, '/run/foo.pid');
  assert.deepEqual(r.settings.service.successExitStatus, { statuses: [1, 2, 75], signals: [9] });
  assert.equal(r.settings.service.restartSec, 90_000_000);
});

test('applyAssignments() reads WorkingDirectory=, EnvironmentFile= and ProtectSystem=/ProtectHome=', () => {
  const r = parse('[Service]\nWorkingDirectory=-~\nEnvironmentFile=-/etc/x y\nProtectSystem=strict\nProtectHome=yes\n');
  assert.deepEqual(r.settings.exec.workingDirectory, { kind: 'home', ignoreMissing: true });
  assert.deepEqual(r.settings.exec.environmentFiles, [{ path: '/etc/x y', ignoreMissing: true }]);
  assert.equal(r.settings.exec.protectSystem, 'strict');
  assert.equal(r.settings.exec.protectHome, 'yes');
});

test('applyAssignments() records conditions with | and ! and clears them on empty', () => {
  const r = parse('[Unit]\nConditionPathExists=|!/a\nConditionPathExists=\nConditionKernelCommandLine=quiet\nAssertPathIsDirectory=/b\n');
  assert.deepEqual(r.settings.unit.conditions, [{ kind: 'ConditionKernelCommandLine', trigger: false, negate: false, value: 'quiet' }]);
  assert.equal(r.settings.unit.asserts.length, 1);
});

test('applyAssignments() expands specifiers in Description= and dependencies', () => {
  const r = parse('[Unit]\nDescription=Job %i\nWants=a@%i.service bad/name\n', 'j@one.service');
  assert.equal(r.settings.unit.description, 'Job one');
  assert.deepEqual(r.settings.unit.wants, ['a@one.service']);
  assert.equal(r.diagnostics.length, 1);
});

test('applyAssignments() reads SystemCallFilter= lines and refuses errno on allow lists', () => {
  const r = parse('[Service]\nSystemCallFilter=read:EPERM write\nSystemCallFilter=~@mount:EACCES\nSystemCallErrorNumber=EPERM\n');
  assert.deepEqual(r.settings.exec.systemCallFilter, [
    { invert: false, names: ['read', 'write'] },
    { invert: true, names: ['@mount'], action: { kind: 'errno', errno: 13 } },
  ]);
  assert.deepEqual(r.settings.exec.systemCallErrorNumber, { kind: 'errno', errno: 1 });
  assert.equal(r.diagnostics.length, 1);
});

test('applyAssignments() keeps the :ERRNO of each system call of a deny line', () => {
  const r = parse('[Service]\nSystemCallFilter=~mount:EACCES umount2:EPERM reboot swapon\n');
  assert.deepEqual(r.settings.exec.systemCallFilter, [
    { invert: true, names: ['mount'], action: { kind: 'errno', errno: 13 } },
    { invert: true, names: ['umount2'], action: { kind: 'errno', errno: 1 } },
    { invert: true, names: ['reboot', 'swapon'] },
  ]);
});

test('TimeoutSec= sets both start and stop timeouts where the specific ones are not set; oneshot has no start timeout by default', async () => {
  const { startTimeoutOf, stopTimeoutOf } = await import('../../../src/unit/settings.js');
  const both = parse('[Service]\nExecStart=/bin/a\nTimeoutSec=5\n').settings.service;
  assert.deepEqual([startTimeoutOf(both), stopTimeoutOf(both)], [5_000_000, 5_000_000]);
  const split = parse('[Service]\nExecStart=/bin/a\nTimeoutSec=5\nTimeoutStopSec=7\n').settings.service;
  assert.deepEqual([startTimeoutOf(split), stopTimeoutOf(split)], [5_000_000, 7_000_000]);
  const oneshot = parse('[Service]\nType=oneshot\nExecStart=/bin/a\n').settings.service;
  assert.deepEqual([startTimeoutOf(oneshot), stopTimeoutOf(oneshot)], [Infinity, 90_000_000]);
});

test('RuntimeDirectory= and friends: relative normalized paths appended per type, an empty one resets; modes; RuntimeDirectoryPreserve=', () => {
  const r = parse('[Service]\nExecStart=/bin/a\nRuntimeDirectory=a b/c\nRuntimeDirectory=d\nStateDirectory=s /abs ../up\nStateDirectory=\nStateDirectory=t\nStateDirectoryMode=0700\nRuntimeDirectoryPreserve=restart\n');
  const e = r.settings.exec;
  assert.deepEqual(e.execDirectories.runtime, ['a', 'b/c', 'd']);
  assert.deepEqual(e.execDirectories.state, ['t']);
  assert.equal(e.execDirectoryModes.state, 0o700);
  assert.equal(e.execDirectoryModes.runtime, 0o755);
  assert.equal(e.runtimeDirectoryPreserve, 'restart');
  assert.equal(r.diagnostics.length, 2, 'the absolute and the .. path are warned about and skipped');
});
