// .nspawn files: parsing with FILE:LINE diagnostics, command-line precedence, trust. The expected
// messages and outcomes are systemd-nspawn 252's, seen on a busybox tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apply, cap, cli, FILE, TRUSTED, UNTRUSTED } from './settings-fixtures.js';
import type { NspawnOptions } from '../../../src/nspawn/options.js';
import { mergeSettings, parseSettingsFile, settingsTrusted } from '../../../src/nspawn/settings-file.js';
import { CAP_NET_ADMIN, containerCapabilities, NSPAWN_DEFAULT_CAPABILITIES } from '../../../src/nspawn/capabilities.js';
import { ALL_CAPABILITIES } from '../../../src/plan/capabilities.js';
import { formatDiagnostic } from '../../../src/unit/diagnostics.js';

const parse = (text: string) => parseSettingsFile(text, FILE);
/** What the planner will retain, from the merged lists (host bounding set: everything). */
const retained = (o: NspawnOptions): readonly number[] => containerCapabilities({ ...o, hostBounding: ALL_CAPABILITIES }).retained;

test('parseSettingsFile() maps [Exec], [Files] and [Network] keys to settings', () => {
  const { settings, diagnostics } = parse(`[Exec]
Boot=yes
Parameters=systemd.unit=rescue.target "quiet splash"
Environment=A=1 B="two words"
Environment=C=3
User=tester
WorkingDirectory=/srv
Capability=CAP_SYS_MODULE cap_syslog 22
DropCapability=CAP_SYS_PTRACE
KillSignal=SIGRTMIN+4
Hostname=web.example
Ephemeral=no
NotifyReady=yes

[Files]
ReadOnly=on
Bind=/srv/data:/data:norbind
BindReadOnly=/etc/ssl
TemporaryFileSystem=/scratch:mode=0700,size=1M

[Network]
Private=yes
VirtualEthernet=no
`);
  assert.deepEqual(diagnostics, []);
  assert.equal(settings.startMode, 'boot');
  assert.deepEqual(settings.parameters, ['systemd.unit=rescue.target', 'quiet splash']);
  assert.deepEqual(settings.environment, ['A=1', 'B=two words', 'C=3']);
  assert.equal(settings.user, 'tester');
  assert.equal(settings.workingDirectory, '/srv');
  assert.deepEqual(settings.capability, [cap('SYS_MODULE'), cap('SYSLOG'), 22]);
  assert.deepEqual(settings.dropCapability, [cap('SYS_PTRACE')]);
  assert.equal(settings.killSignal, 38);
  assert.equal(settings.hostname, 'web.example');
  assert.equal(settings.ephemeral, false);
  assert.equal(settings.notifyReady, true);
  assert.equal(settings.readOnly, true);
  assert.deepEqual(settings.binds, [
    { source: '/srv/data', sourceInTree: false, target: '/data', readOnly: false, recursive: false },
    { source: '/etc/ssl', sourceInTree: false, target: '/etc/ssl', readOnly: true, recursive: true },
  ]);
  assert.equal(settings.tmpfs[0]?.target, '/scratch');
  assert.equal(settings.tmpfs[0]?.options.mode, 0o700);
  assert.equal(settings.privateNetwork, true);
  assert.equal(settings.virtualEthernet, false);
  assert.deepEqual(settings.refused, []);
});

test('list values: quotes go, a backslash stays an ordinary character, an empty line resets', () => {
  const { settings } = parse('[Exec]\nProcessTwo=yes\nParameters=/bin/sh -c \'echo "$@"\' d\\ e \\x41 ""\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2\n');
  assert.equal(settings.startMode, 'pid2');
  assert.deepEqual(settings.parameters, ['/bin/sh', '-c', 'echo "$@"', 'd\\', 'e', '\\x41', '']);
  assert.deepEqual(settings.environment, ['B=2']);
  assert.equal(parse('[Exec]\nProcessTwo=no\n').settings.startMode, 'pid1');
});

test('nspawn ignores what it cannot parse, with a warning at FILE:LINE; nsbox says the same', () => {
  const { settings, diagnostics } = parse(`Stray=1
[Exec]
Hostname=bad_host!
KillSignal=sigint
Capability=CAP_BOGUS SYS_MODULE CAP_SYSLOG
WorkingDirectory=relative
Environment=OK=1 NOEQ 1BAD=x
Frobnicate=1
X-Mine=ignored silently
[Files]
ReadOnly=maybe
Bind=/srv:relative
TemporaryFileSystem=relative
[Weird]
Key=1
`);
  assert.deepEqual(diagnostics.map(formatDiagnostic), [
    `${FILE}:1: Assignment outside of section. Ignoring.`,
    `${FILE}:3: Specified invalid hostname, ignoring assignment: bad_host!`,
    `${FILE}:4: Failed to parse signal name, ignoring: sigint`,
    `${FILE}:5: Failed to parse capability, ignoring: CAP_BOGUS`,
    `${FILE}:5: Failed to parse capability, ignoring: SYS_MODULE`,
    `${FILE}:6: WorkingDirectory= path is not absolute, ignoring: relative`,
    `${FILE}:7: Invalid environment assignment, ignoring: NOEQ`,
    `${FILE}:7: Invalid environment assignment, ignoring: 1BAD=x`,
    `${FILE}:8: Unknown key 'Frobnicate' in section [Exec], ignoring.`,
    `${FILE}:11: Failed to parse boolean value for ReadOnly=, ignoring: maybe`,
    `${FILE}:12: Invalid bind mount specification /srv:relative: Invalid argument`,
    `${FILE}:13: Invalid temporary file system specification relative: Invalid argument`,
    `${FILE}:14: Unknown section 'Weird'. Ignoring.`,
  ]);
  assert.ok(diagnostics.every((d) => d.severity === 'warning'));
  assert.equal(settings.hostname, undefined);
  assert.deepEqual(settings.capability, [cap('SYSLOG')]);
  assert.deepEqual(settings.environment, ['OK=1']);
  assert.equal(settings.readOnly, undefined);
});

test('Boot= and ProcessTwo= conflict as in nspawn: the later one is ignored with a warning', () => {
  const { settings, diagnostics } = parse('[Exec]\nBoot=yes\nProcessTwo=yes\n');
  assert.equal(settings.startMode, 'boot');
  assert.deepEqual(diagnostics.map(formatDiagnostic), [`${FILE}:3: Conflicting Boot= or ProcessTwo= setting found. Ignoring.`]);
});

test('Parameters= without Boot= or ProcessTwo= does nothing, as in nspawn, and nsbox warns', () => {
  const { options, warnings } = apply('[Exec]\nParameters=/bin/echo hi\n');
  assert.deepEqual(options.command, []);
  assert.deepEqual(warnings, [`${FILE}:2: Parameters= has no effect without Boot= or ProcessTwo= (as in systemd-nspawn), ignoring.`]);
});

test('a bad section header fails the whole file, naming FILE:LINE', () => {
  assert.throws(() => apply('# comment\n[Exec\nBoot=yes\n'), {
    code: 'NSPAWN_SETTINGS', file: FILE, line: 2, message: `${FILE}:2: Invalid section header '[Exec'`,
  });
});

test('a key nsbox does not support is an error naming FILE:LINE and the key, never ignored', () => {
  assert.throws(() => apply('[Exec]\nBoot=no\n\nLinkJournal=try\n'), {
    code: 'NSPAWN_SETTINGS', file: FILE, line: 4, key: 'LinkJournal',
    message: `${FILE}:4: LinkJournal=try is not supported yet (--link-journal)`,
  });
  assert.throws(() => apply('[Network]\nVirtualEthernet=yes\nPort=80\n'), {
    message: `${FILE}:2: VirtualEthernet=yes is not supported yet (--network-veth)\n${FILE}:3: Port=80 is not supported yet (--port)`,
  });
  assert.throws(() => apply('[Files]\nBindUser=tester\n'), { key: 'BindUser' });
  assert.throws(() => apply('[Files]\nBind=/srv:/srv:idmap\n'), { message: `${FILE}:2: Bind= option idmap is not supported yet` });
  assert.throws(() => apply('[Files]\nBind=srv:/srv\n'), { message: /:2: Bind=srv:\/srv: a relative source path is not supported yet/ });
});

test("an unsupported key holding nspawn's default is fine: that is what nsbox does anyway", () => {
  const { options, warnings } = apply(`[Exec]
PrivateUsers=no
NoNewPrivileges=false
NotifyReady=no
ResolvConf=auto
Timezone=auto
LinkJournal=auto
SuppressSync=0
[Files]
Volatile=no
PrivateUsersOwnership=off
[Network]
VirtualEthernet=no
`);
  assert.deepEqual(warnings, []);
  assert.equal(options.privateNetwork, false);
});

test('command-line options win over the file, a whole group at a time', () => {
  const file = '[Exec]\nEnvironment=A=1 B=2\nHostname=from-file\nWorkingDirectory=/srv\nKillSignal=SIGINT\nCapability=CAP_SYSLOG\nDropCapability=CAP_SYS_PTRACE\n[Files]\nReadOnly=yes\nBind=/srv\n';
  const { options } = apply(file, cli('-E', 'C=3', '--hostname=from-cli', '--chdir=/root', '--kill-signal=SIGTERM', '--tmpfs=/opt', '--capability=CAP_SYS_MODULE', '/bin/true'));
  assert.deepEqual(options.setenv, ['C=3'], 'one -E drops every Environment=');
  assert.equal(options.hostname, 'from-cli');
  assert.equal(options.chdir, '/root');
  assert.equal(options.killSignal, 15);
  assert.deepEqual(options.binds, [], 'one --tmpfs drops every Bind=');
  assert.deepEqual(options.tmpfs.map((t) => t.target), ['/opt']);
  assert.equal(options.readOnly, true, 'nothing on the command line fixed ReadOnly=');
  assert.deepEqual(retained(options), [...NSPAWN_DEFAULT_CAPABILITIES, cap('SYS_MODULE')].sort((a, b) => a - b), '--capability drops Capability= and DropCapability=');

  const fromFile = apply(file).options;
  assert.deepEqual(fromFile.setenv, ['A=1', 'B=2']);
  assert.equal(fromFile.hostname, 'from-file');
  assert.deepEqual(retained(fromFile), [...NSPAWN_DEFAULT_CAPABILITIES.filter((c) => c !== cap('SYS_PTRACE')), cap('SYSLOG')].sort((a, b) => a - b));
});

test('a command on the command line fixes the start mode: Boot=, ProcessTwo= and Parameters= go', () => {
  const file = '[Exec]\nBoot=yes\nParameters=quiet\n';
  const withCommand = apply(file, cli('/bin/sh')).options;
  assert.equal(withCommand.boot, false);
  assert.deepEqual(withCommand.command, ['/bin/sh']);
  const booted = apply(file).options;
  assert.equal(booted.boot, true);
  assert.deepEqual(booted.command, ['quiet']);
  // Boot=no without Parameters= still replaces the command line's (empty) command: a shell.
  assert.deepEqual(apply('[Exec]\nBoot=no\n', cli('-a')).options.asPid2, true);
});

test('--settings=override reverses the precedence', () => {
  const { options } = apply('[Exec]\nBoot=no\nParameters=/bin/echo file\nEnvironment=A=1\nHostname=from-file\n', cli('-E', 'B=2', '--hostname=cli', '/bin/true'), { trusted: false, override: true });
  assert.deepEqual(options.command, ['/bin/echo', 'file']);
  assert.deepEqual(options.setenv, ['A=1']);
  assert.equal(options.hostname, 'from-file');
});

test('an untrusted file loses its privileged settings, each group with one warning naming the file', () => {
  const { options, warnings } = apply(`[Exec]
Ephemeral=yes
Capability=CAP_SYS_MODULE
DropCapability=CAP_SYS_PTRACE
Environment=A=1
Hostname=from-file
AmbientCapability=CAP_CHOWN
LimitNOFILE=100
[Files]
ReadOnly=yes
Bind=/srv
TemporaryFileSystem=/scratch
Overlay=/a:/b
[Network]
Private=yes
Interface=eth9
`, cli(), UNTRUSTED);
  assert.deepEqual(warnings, [
    `Ignoring ephemeral setting, file ${FILE} is not trusted.`,
    `Ignoring Capability= setting, file ${FILE} is not trusted.`,
    `Ignoring AmbientCapability= setting, file ${FILE} is not trusted.`,
    `Ignoring TemporaryFileSystem=, Bind= and BindReadOnly= settings, file ${FILE} is not trusted.`,
    `Ignoring network settings, file ${FILE} is not trusted.`,
    `Ignoring LimitNOFILE= setting, file '${FILE}' is not trusted.`,
  ]);
  assert.equal(options.ephemeral, false);
  assert.deepEqual(options.binds, []);
  assert.deepEqual(options.tmpfs, []);
  assert.equal(options.privateNetwork, false);
  assert.deepEqual(retained(options), NSPAWN_DEFAULT_CAPABILITIES.filter((c) => c !== cap('SYS_PTRACE')), 'DropCapability= applies untrusted');
  assert.deepEqual(options.setenv, ['A=1']);
  assert.equal(options.hostname, 'from-file');
  assert.equal(options.readOnly, true);
});

test('an unsupported key that would not apply is no error: masked by the command line, or privileged and untrusted', () => {
  assert.doesNotThrow(() => apply('[Files]\nOverlay=/a:/b\nBind=/x:/y:bogus\n[Network]\nZone=z\n', cli('--tmpfs=/opt', '--private-network')));
  assert.deepEqual(apply('[Exec]\nPrivateUsers=pick\n', cli(), UNTRUSTED).warnings, [`Ignoring PrivateUsers= and PrivateUsersChown= settings, file ${FILE} is not trusted.`]);
});

test('Private=yes brings CAP_NET_ADMIN, except with --capability= on the command line (as nspawn 252)', () => {
  const file = '[Network]\nPrivate=yes\n';
  const plain = apply(file).options;
  assert.equal(plain.privateNetwork, true);
  assert.ok(retained(plain).includes(CAP_NET_ADMIN));
  const withCli = apply(file, cli('--capability=CAP_SYSLOG')).options;
  assert.equal(withCli.privateNetwork, true);
  assert.ok(!retained(withCli).includes(CAP_NET_ADMIN));
  assert.ok(retained(withCli).includes(cap('SYSLOG')));
});

test('merged options still obey the combinations nsbox refuses', () => {
  assert.throws(() => apply('[Exec]\nUser=tester\n', cli('-b')), { code: 'NSPAWN_SETTINGS', message: `${FILE}: with its settings applied: --user: cannot be combined with --boot` });
  assert.throws(() => apply('[Files]\nReadOnly=yes\n', cli('-x')), { code: 'NSPAWN_SETTINGS' });
});

test('mergeSettings() leaves options alone for an empty file', () => {
  const options = cli('-E', 'A=1', '/bin/true');
  assert.deepEqual(mergeSettings(options, parse('').settings, TRUSTED), { options, warnings: [] });
});

test('trust: the admin directories, or --settings=trusted anywhere', () => {
  assert.equal(settingsTrusted('yes', true), true);
  assert.equal(settingsTrusted('override', true), true);
  assert.equal(settingsTrusted('yes', false), false);
  assert.equal(settingsTrusted('override', false), false);
  assert.equal(settingsTrusted('trusted', false), true);
});

test('--settings= takes yes, no, override, trusted and boolean spellings; options record what they fix', () => {
  assert.equal(cli().settings, 'yes');
  assert.equal(cli('--settings=trusted').settings, 'trusted');
  assert.equal(cli('--settings', 'override').settings, 'override');
  assert.equal(cli('--settings=0').settings, 'no');
  assert.equal(cli('--settings=on').settings, 'yes');
  assert.throws(() => cli('--settings=bogus'), { code: 'NSPAWN_USAGE', option: '--settings' });
  assert.deepEqual(cli('-E', 'A=1', '-E', 'B=2', '--bind=/a', '--tmpfs=/b', '-q', 'ls').fixedByCommandLine, ['environment', 'custom-mounts', 'start-mode']);
  assert.deepEqual(cli('-q', '--register=no').fixedByCommandLine, []);
});

test('an untrusted file loses its Limit*= settings with warnings in the kernel\'s RLIMIT_* order, as nspawn 252 prints them', () => {
  assert.deepEqual(apply('[Exec]\nLimitAS=1G\nLimitNOFILE=100\nLimitMEMLOCK=1M\nLimitNPROC=100\n', cli(), UNTRUSTED).warnings,
    ['NPROC', 'NOFILE', 'MEMLOCK', 'AS'].map((l) => `Ignoring Limit${l}= setting, file '${FILE}' is not trusted.`));
});
