// .nspawn keys for custom mounts and process settings: Inaccessible=, Overlay=, OverlayReadOnly=,
// Limit*=, OOMScoreAdjust=, NoNewPrivileges=, AmbientCapability=, MachineID=, Personality=. The
// warnings are systemd-nspawn 252's, seen on a busybox tree with the same lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apply, cap, cli, FILE, UNTRUSTED } from './settings-fixtures.js';


test('Inaccessible=, Overlay= and OverlayReadOnly= join the custom mounts; bad ones are ignored with nspawn\'s warnings', () => {
  const { options, warnings } = apply(`[Files]
Inaccessible=/etc/shadow
Inaccessible=srv/file
Overlay=/a:/b:/srv
Overlay=/a
OverlayReadOnly=/a:/b:srv/x
OverlayReadOnly=+/usr:/opt
Inaccessible=
`);
  assert.deepEqual(options.inaccessible, ['/etc/shadow']);
  assert.deepEqual(options.overlays.map((o) => `${o.target} ${o.readOnly ? 'ro' : 'rw'}`), ['/srv rw', '/opt ro']);
  assert.deepEqual(warnings, [
    `${FILE}:3: Invalid inaccessible file system specification srv/file: Invalid argument`,
    `${FILE}:5: Invalid overlay file system specification /a, ignoring: Cannot assign requested address`,
    `${FILE}:6: Invalid overlay file system specification /a:/b:srv/x, ignoring: Invalid argument`,
    `${FILE}:8: Invalid inaccessible file system specification : Invalid argument`,
  ]);
});

test('custom mount keys are privileged and one group: an untrusted file loses them, --bind on the command line drops them', () => {
  const file = '[Files]\nInaccessible=/etc/shadow\nOverlay=+/var::/var\n';
  assert.deepEqual(apply(file, cli(), UNTRUSTED).warnings, [`Ignoring TemporaryFileSystem=, Bind= and BindReadOnly= settings, file ${FILE} is not trusted.`]);
  assert.deepEqual(apply(file, cli(), UNTRUSTED).options.inaccessible, []);
  const masked = apply(file, cli('--bind=/x:/y')).options;
  assert.deepEqual([masked.inaccessible, masked.overlays], [[], []]);
  assert.deepEqual(apply('[Files]\nBind=/x:/y\n', cli('--inaccessible=/z')).options.binds, [], '--inaccessible fixes the group as --bind does');
  // nspawn resolves a relative layer against its own working directory: refused, as a relative Bind= source.
  assert.throws(() => apply('[Files]\nOverlay=lower:/u:/m\n'), { code: 'NSPAWN_SETTINGS', message: `${FILE}:2: Overlay=lower:/u:/m: a relative layer path is not supported yet` });
});

test('Limit*= take --rlimit= values, one group and one privileged setting per resource', () => {
  const { options, warnings } = apply(`[Exec]
LimitNOFILE=100:200
LimitCORE=1M
LimitCPU=abc
LimitAS=300:200
LimitNPROC=
LimitRTTIME=infinity:5
`);
  assert.deepEqual(options.rlimits, { nofile: { soft: 100, hard: 200 }, core: { soft: 1024 * 1024, hard: 1024 * 1024 } });
  assert.deepEqual(warnings, [
    `${FILE}:4: Failed to parse resource value, ignoring: abc`,
    `${FILE}:5: Soft resource limit chosen higher than hard limit, ignoring: 300:200`,
    `${FILE}:6: Failed to parse resource value, ignoring: `,
    `${FILE}:7: Soft resource limit chosen higher than hard limit, ignoring: infinity:5`,
  ]);
  const fromCli = apply('[Exec]\nLimitNOFILE=100\nLimitCORE=0\n', cli('--rlimit=RLIMIT_NOFILE=50')).options.rlimits;
  assert.deepEqual(fromCli, { nofile: { soft: 50, hard: 50 }, core: { soft: 0, hard: 0 } }, '--rlimit fixes only its own resource');
  // In the kernel's RLIMIT_* order, after the other privileged groups, as nspawn 252 printed them.
  assert.deepEqual(apply('[Exec]\nLimitAS=1G\nLimitNOFILE=100\nLimitMEMLOCK=1M\nLimitNPROC=100\nOOMScoreAdjust=5\nMachineID=0123456789abcdef0123456789abcdef\nAmbientCapability=CAP_NET_RAW\nCapability=CAP_SYS_TIME\n[Files]\nInaccessible=/srv/file\n', cli(), UNTRUSTED).warnings, [
    `Ignoring Capability= setting, file ${FILE} is not trusted.`,
    `Ignoring AmbientCapability= setting, file ${FILE} is not trusted.`,
    `Ignoring MachineID= setting, file ${FILE} is not trusted.`,
    `Ignoring TemporaryFileSystem=, Bind= and BindReadOnly= settings, file ${FILE} is not trusted.`,
    ...['NPROC', 'NOFILE', 'MEMLOCK', 'AS'].map((l) => `Ignoring Limit${l}= setting, file '${FILE}' is not trusted.`),
    `Ignoring OOMScoreAdjust= setting, file '${FILE}' is not trusted.`,
  ]);
});

test('OOMScoreAdjust=: privileged; out of range and unparsable values are ignored with nspawn\'s words; empty unsets', () => {
  const { options, warnings } = apply('[Exec]\nOOMScoreAdjust=2000\nOOMScoreAdjust=abc\nOOMScoreAdjust=0x10\n');
  assert.equal(options.oomScoreAdjust, 16);
  assert.deepEqual(warnings, [
    `${FILE}:2: OOM score adjust value out of range, ignoring: 2000`,
    `${FILE}:3: Failed to parse the OOM score adjust value, ignoring: abc`,
  ]);
  assert.equal(apply('[Exec]\nOOMScoreAdjust=5\nOOMScoreAdjust=\n').options.oomScoreAdjust, undefined);
  assert.equal(apply('[Exec]\nOOMScoreAdjust=5\n', cli('--oom-score-adjust=7')).options.oomScoreAdjust, 7);
  assert.deepEqual(apply('[Exec]\nOOMScoreAdjust=5\n', cli(), UNTRUSTED).warnings, [`Ignoring OOMScoreAdjust= setting, file '${FILE}' is not trusted.`]);
});

test('NoNewPrivileges= and Personality= apply even from an untrusted file; the command line wins', () => {
  const { options, warnings } = apply('[Exec]\nNoNewPrivileges=yes\nPersonality=x86\nPersonality=arm64\nNoNewPrivileges=maybe\n', cli(), UNTRUSTED);
  assert.equal(options.noNewPrivileges, true);
  assert.equal(options.personality, 8);
  assert.deepEqual(warnings, [`${FILE}:4: Failed to parse personality, ignoring: arm64`, `${FILE}:5: Failed to parse boolean value for NoNewPrivileges=, ignoring: maybe`]);
  const fixed = apply('[Exec]\nNoNewPrivileges=yes\nPersonality=x86\n', cli('--no-new-privileges=no', '--personality=x86-64')).options;
  assert.deepEqual([fixed.noNewPrivileges, fixed.personality], [false, 0]);
  assert.equal(apply('[Exec]\nPersonality=x86\nPersonality=\n').options.personality, undefined);
});

test('MachineID=: privileged, the --uuid= group; any case, dashes or not; all zeroes leaves it unset', () => {
  assert.equal(apply('[Exec]\nMachineID=0123456789ABCDEF0123456789ABCDEF\n').options.uuid, '01234567-89ab-cdef-0123-456789abcdef');
  assert.equal(apply('[Exec]\nMachineID=00000000-0000-0000-0000-000000000000\n').options.uuid, undefined);
  assert.deepEqual(apply('[Exec]\nMachineID=xyz\nMachineID=\n').warnings, [`${FILE}:2: Failed to parse 128bit ID/UUID, ignoring: xyz`, `${FILE}:3: Failed to parse 128bit ID/UUID, ignoring: `]);
  const id = '[Exec]\nMachineID=0123456789abcdef0123456789abcdef\n';
  assert.deepEqual(apply(id, cli(), UNTRUSTED).warnings, [`Ignoring MachineID= setting, file ${FILE} is not trusted.`]);
  assert.equal(apply(id, cli('--uuid=fedcba9876543210fedcba9876543210')).options.uuid, 'fedcba98-7654-3210-fedc-ba9876543210');
});

test('AmbientCapability=: privileged, in the capability group; `all` makes nspawn refuse to start', () => {
  const { options, warnings } = apply('[Exec]\nAmbientCapability=CAP_NET_RAW cap_chown\nAmbientCapability=CAP_FOO\nAmbientCapability=\n');
  assert.deepEqual(options.ambientCapability, [cap('NET_RAW'), cap('CHOWN')]);
  assert.deepEqual(warnings, [`${FILE}:3: Failed to parse capability, ignoring: CAP_FOO`]);
  assert.deepEqual(apply('[Exec]\nAmbientCapability=CAP_NET_RAW\n', cli(), UNTRUSTED).warnings, [`Ignoring AmbientCapability= setting, file ${FILE} is not trusted.`]);
  assert.deepEqual(apply('[Exec]\nAmbientCapability=CAP_NET_RAW\n', cli('--drop-capability=CAP_CHOWN')).options.ambientCapability, []);
  assert.throws(() => apply('[Exec]\nAmbientCapability=all\n'), { code: 'NSPAWN_SETTINGS', key: 'AmbientCapability' });
  assert.deepEqual(apply('[Exec]\nAmbientCapability=all\n', cli(), UNTRUSTED).warnings, [`Ignoring AmbientCapability= setting, file ${FILE} is not trusted.`]);
  assert.throws(() => apply('[Exec]\nAmbientCapability=CAP_NET_RAW\nBoot=yes\n'), { code: 'NSPAWN_SETTINGS', message: /--ambient-capability: cannot be combined with --boot/ });
});

test('Volatile=: yes, state and overlay apply (also untrusted); a bad value is ignored with a warning', () => {
  assert.equal(apply('[Files]\nVolatile=state\n', cli(), UNTRUSTED).options.volatile, 'state');
  assert.equal(apply('[Files]\nVolatile=overlay\n').options.volatile, 'overlay');
  assert.equal(apply('[Files]\nVolatile=state\n', cli('--volatile=overlay')).options.volatile, 'overlay', 'the command line wins');
  assert.equal(apply('[Files]\nVolatile=yes\n').options.volatile, 'yes');
  const bad = apply('[Files]\nVolatile=bogus\n');
  assert.equal(bad.options.volatile, 'no');
  assert.deepEqual(bad.warnings, [`${FILE}:2: Failed to parse volatile mode, ignoring: bogus`]);
});
