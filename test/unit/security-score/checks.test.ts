// Each of systemd 252's checks graded both ways (and the partial grades where a check has them),
// on units parsed by the same code the loader uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SECURITY_CHECKS } from '../../../src/security-score/checks.js';
import { badness, row, scoreOf } from './score-helpers.js';

test('there are 81 checks with distinct names and json fields, as in systemd 252.39', () => {
  assert.equal(SECURITY_CHECKS.length, 81);
  assert.equal(new Set(SECURITY_CHECKS.map((c) => c.id)).size, 81);
  assert.equal(new Set(SECURITY_CHECKS.map((c) => c.jsonField)).size, 81);
});

// [json_field, the setting that makes it good] for every yes/no check.
const TOGGLES: readonly [string, string][] = [
  ['PrivateDevices', 'PrivateDevices=yes'], ['PrivateMounts', 'PrivateMounts=yes'], ['PrivateNetwork', 'PrivateNetwork=yes'],
  ['PrivateTmp', 'PrivateTmp=yes'], ['PrivateUsers', 'PrivateUsers=yes'], ['ProtectControlGroups', 'ProtectControlGroups=yes'],
  ['ProtectKernelModules', 'ProtectKernelModules=yes'], ['ProtectKernelTunables', 'ProtectKernelTunables=yes'],
  ['ProtectKernelLogs', 'ProtectKernelLogs=yes'], ['ProtectClock', 'ProtectClock=yes'], ['ProtectHostname', 'ProtectHostname=yes'],
  ['RootDirectoryOrRootImage', 'RootDirectory=/srv/jail'], ['LockPersonality', 'LockPersonality=yes'],
  ['MemoryDenyWriteExecute', 'MemoryDenyWriteExecute=yes'], ['NoNewPrivileges', 'NoNewPrivileges=yes'],
  ['KeyringMode', ''], ['ProcSubset', 'ProcSubset=pid'], ['NotifyAccess', ''], ['Delegate', ''],
  ['RestrictRealtime', 'RestrictRealtime=yes'], ['RestrictSUIDSGID', 'RestrictSUIDSGID=yes'],
  ['AmbientCapabilities', ''], ['RemoveIPC', 'User=svc\nRemoveIPC=yes'], ['SupplementaryGroups', 'User=svc'],
];
const BAD: Readonly<Record<string, string>> = {
  KeyringMode: 'KeyringMode=shared', NotifyAccess: 'NotifyAccess=all', Delegate: 'Delegate=yes',
  AmbientCapabilities: 'AmbientCapabilities=CAP_NET_RAW', RemoveIPC: 'User=svc', SupplementaryGroups: 'User=svc\nSupplementaryGroups=adm',
};

for (const [field, good] of TOGGLES) {
  test(`${field}: bad by default or when set badly, good with "${good.replace(/\n/g, '; ') || 'the default'}"`, () => {
    assert.equal(badness(field, BAD[field] ?? ''), 1);
    assert.equal(badness(field, good), 0);
  });
}

test('User=/DynamicUser=: root 10, nobody 9, a static or a transient user 0', () => {
  assert.equal(badness('UserOrDynamicUser', ''), 10);
  assert.equal(badness('UserOrDynamicUser', 'User=root'), 10);
  assert.equal(badness('UserOrDynamicUser', 'User=nobody'), 9);
  assert.equal(badness('UserOrDynamicUser', 'User=svc'), 0);
  assert.equal(badness('UserOrDynamicUser', 'DynamicUser=yes'), 0);
  assert.equal(badness('UserOrDynamicUser', 'DynamicUser=yes\nUser=0'), 10);
  assert.match(row(scoreOf('DynamicUser=yes'), 'UserOrDynamicUser').description ?? '', /transient/);
});

test('DynamicUser=yes implies the sandbox the manager adds at load time', () => {
  const s = scoreOf('DynamicUser=yes');
  for (const field of ['PrivateTmp', 'RemoveIPC', 'NoNewPrivileges', 'RestrictSUIDSGID', 'ProtectSystem']) assert.equal(row(s, field).badness, 0, field);
  assert.equal(row(s, 'ProtectHome').badness, 5);
});

test('SupplementaryGroups= and RemoveIPC= do not apply to a root service', () => {
  assert.equal(badness('SupplementaryGroups', 'SupplementaryGroups=adm'), 'n/a');
  assert.equal(badness('RemoveIPC', 'User=root'), 'n/a');
  assert.equal(row(scoreOf(''), 'RemoveIPC').description, 'Service runs as root, option does not apply');
});

test('ProtectHome= and ProtectSystem= grade each level', () => {
  assert.deepEqual(['no', 'yes', 'read-only', 'tmpfs'].map((v) => badness('ProtectHome', `ProtectHome=${v}`)), [10, 0, 5, 1]);
  assert.deepEqual(['no', 'yes', 'full', 'strict'].map((v) => badness('ProtectSystem', `ProtectSystem=${v}`)), [10, 5, 3, 0]);
});

test('without default dependencies the file-system checks are not applicable', () => {
  const s = scoreOf('PrivateTmp=yes', { unit: 'DefaultDependencies=no' });
  for (const field of ['PrivateTmp', 'ProtectHome', 'ProtectSystem', 'RootDirectoryOrRootImage']) {
    assert.equal(row(s, field).badness, 'n/a');
    assert.equal(row(s, field).description, 'Service runs in special boot phase, option is not appropriate');
  }
});

test('UMask= grades world-writable 10 .. private 0', () => {
  assert.deepEqual(['0000', '0002', '0007', '0027', '0077'].map((m) => badness('UMask', `UMask=${m}`)), [10, 5, 2, 1, 0]);
  assert.equal(badness('UMask', ''), 5);
});

test('ProtectProc=: default 3, noaccess 1 (no description, as systemd), invisible and ptraceable 0', () => {
  assert.deepEqual(['default', 'noaccess', 'invisible', 'ptraceable'].map((v) => badness('ProtectProc', `ProtectProc=${v}`)), [3, 1, 0, 0]);
  assert.equal(row(scoreOf('ProtectProc=noaccess'), 'ProtectProc').description, null);
});

test('CapabilityBoundingSet= checks, and the capabilities other settings drop', () => {
  assert.equal(badness('CapabilityBoundingSet_CAP_SYS_ADMIN', ''), 1);
  assert.equal(badness('CapabilityBoundingSet_CAP_SYS_ADMIN', 'CapabilityBoundingSet=~CAP_SYS_ADMIN'), 0);
  assert.equal(badness('CapabilityBoundingSet_CAP_SET_UID_GID_PCAP', 'CapabilityBoundingSet=~CAP_SETUID CAP_SETGID'), 1);
  assert.equal(badness('CapabilityBoundingSet_CAP_SET_UID_GID_PCAP', 'CapabilityBoundingSet=~CAP_SETUID CAP_SETGID CAP_SETPCAP'), 0);
  assert.equal(badness('CapabilityBoundingSet_CAP_BPF', 'CapabilityBoundingSet=CAP_BPF'), 1);
  assert.equal(row(scoreOf('CapabilityBoundingSet='), 'CapabilityBoundingSet_CAP_BPF').description, 'Service may not load BPF programs');
  assert.equal(badness('CapabilityBoundingSet_CAP_MKNOD', 'PrivateDevices=yes'), 0);
  assert.equal(badness('CapabilityBoundingSet_CAP_SYS_MODULE', 'ProtectKernelModules=yes'), 0);
  assert.equal(badness('CapabilityBoundingSet_CAP_SYSLOG', 'ProtectKernelLogs=yes'), 0);
  assert.equal(badness('CapabilityBoundingSet_CAP_WAKE_ALARM', 'ProtectClock=yes'), 0);
  // A first `~` line of AmbientCapabilities= means "every capability but": systemd 252 replaces the empty set.
  assert.equal(badness('AmbientCapabilities', 'AmbientCapabilities=~CAP_NET_RAW'), 1);
  assert.equal(badness('AmbientCapabilities', 'AmbientCapabilities=CAP_NET_RAW\nAmbientCapabilities=~CAP_NET_RAW'), 0);
  const all = scoreOf('CapabilityBoundingSet=');
  assert.ok(all.rows.filter((r) => r.check.jsonField.startsWith('CapabilityBoundingSet_')).every((r) => r.badness === 0));
});

test('RestrictNamespaces=: each type bad until restricted', () => {
  assert.equal(badness('RestrictNamespaces_user', ''), 1);
  assert.equal(badness('RestrictNamespaces_user', 'RestrictNamespaces=yes'), 0);
  assert.equal(badness('RestrictNamespaces_user', 'RestrictNamespaces=~user'), 0);
  assert.equal(badness('RestrictNamespaces_net', 'RestrictNamespaces=~user'), 1);
  assert.equal(badness('RestrictNamespaces_mnt', 'RestrictNamespaces=mnt'), 1);
  assert.equal(badness('RestrictNamespaces_ipc', 'RestrictNamespaces=mnt'), 0);
  // An empty assignment goes back to no restriction at all.
  assert.equal(badness('RestrictNamespaces_user', 'RestrictNamespaces=yes\nRestrictNamespaces='), 1);
});

test('Delegate=: yes, a controller list, and an empty assignment all delegate', () => {
  assert.equal(badness('Delegate', 'Delegate=yes'), 1);
  assert.equal(badness('Delegate', 'Delegate=cpu memory'), 1);
  assert.equal(badness('Delegate', 'Delegate=no\nDelegate='), 1);
  assert.equal(badness('Delegate', 'Delegate=yes\nDelegate=no'), 0);
});

test('RestrictAddressFamilies=: allow and deny lists, none, and a reset', () => {
  assert.equal(badness('RestrictAddressFamilies_AF_UNIX', 'RestrictAddressFamilies=AF_UNIX'), 1);
  assert.equal(badness('RestrictAddressFamilies_AF_INET_INET6', 'RestrictAddressFamilies=AF_UNIX'), 0);
  assert.equal(badness('RestrictAddressFamilies_AF_INET_INET6', 'RestrictAddressFamilies=AF_INET'), 1);
  assert.equal(badness('RestrictAddressFamilies_AF_PACKET', 'RestrictAddressFamilies=~AF_PACKET'), 0);
  assert.equal(badness('RestrictAddressFamilies_OTHER', 'RestrictAddressFamilies=~AF_PACKET'), 1);
  assert.equal(badness('RestrictAddressFamilies_OTHER', 'RestrictAddressFamilies=AF_UNIX AF_CAN'), 1);
  assert.equal(badness('RestrictAddressFamilies_OTHER', 'RestrictAddressFamilies=none'), 0);
  assert.equal(badness('RestrictAddressFamilies_AF_UNIX', 'RestrictAddressFamilies=AF_UNIX\nRestrictAddressFamilies=\nRestrictAddressFamilies=~AF_UNIX'), 0);
  assert.equal(badness('RestrictAddressFamilies_AF_NETLINK', 'RestrictAddressFamilies=AF_UNIX AF_NETLINK\nRestrictAddressFamilies=~AF_NETLINK'), 0);
});

test('SystemCallArchitectures=: none 10, native alone 0, others 8', () => {
  assert.deepEqual(['', 'SystemCallArchitectures=native', 'SystemCallArchitectures=native x86', 'SystemCallArchitectures=x86-64']
    .map((l) => badness('SystemCallArchitectures', l)), [10, 0, 8, 8]);
});

test('SystemCallFilter=: no filter 10; an allow list 9 or 0; a deny list 10 or 0, naming the first call let through', () => {
  assert.equal(badness('SystemCallFilter_swap', ''), 10);
  const allow = scoreOf('SystemCallFilter=@system-service');
  assert.equal(row(allow, 'SystemCallFilter_swap').badness, 0);
  assert.equal(row(allow, 'SystemCallFilter_privileged').badness, 9);
  assert.equal(row(allow, 'SystemCallFilter_privileged').description,
    'System call allow list defined for service, and @privileged is included (e.g. chown is allowed)');
  const deny = scoreOf('SystemCallFilter=~@mount @swap');
  assert.equal(row(deny, 'SystemCallFilter_mount').badness, 0);
  assert.equal(row(deny, 'SystemCallFilter_clock').badness, 10);
  assert.equal(row(deny, 'SystemCallFilter_clock').description, 'System call deny list defined for service, and @clock is not included (e.g. adjtimex is allowed)');
  // A later allow line takes calls back out of a deny list.
  assert.equal(row(scoreOf('SystemCallFilter=~@mount\nSystemCallFilter=umount2'), 'SystemCallFilter_mount').badness, 10);
});

test('SystemCallFilter=: calls libseccomp does not know here are neither offenders nor filtered', () => {
  const s = scoreOf('SystemCallFilter=~@clock', { missing: ['adjtimex'] });
  assert.match(row(s, 'SystemCallFilter_clock').description ?? '', /is included$/);
  const t = scoreOf('SystemCallFilter=~@swap', { missing: ['adjtimex'] });
  assert.match(row(t, 'SystemCallFilter_clock').description ?? '', /e\.g\. clock_adjtime is allowed/);
});

test('IPAddressDeny=: no list 10, non-localhost exceptions 5, localhost only 2, all blocked or custom BPF 0', () => {
  assert.equal(badness('IPAddressDeny', ''), 10);
  assert.equal(badness('IPAddressDeny', 'IPAddressDeny=0.0.0.0/0'), 10);
  assert.equal(badness('IPAddressDeny', 'IPAddressDeny=any\nIPAddressAllow=10.0.0.0/8'), 5);
  assert.equal(badness('IPAddressDeny', 'IPAddressDeny=any\nIPAddressAllow=localhost'), 2);
  assert.equal(badness('IPAddressDeny', 'IPAddressDeny=0.0.0.0/0 ::/0\nIPAddressAllow=::1 127.0.0.1'), 2);
  assert.equal(badness('IPAddressDeny', 'IPAddressDeny=any'), 0);
  assert.equal(badness('IPAddressDeny', 'IPEgressFilterPath=/sys/fs/bpf/x'), 0);
});

test('DeviceAllow=: no ACL 10, special devices 5 (listed newest first), minimal 0', () => {
  assert.equal(badness('DeviceAllow', ''), 10);
  assert.equal(badness('DeviceAllow', 'DevicePolicy=closed'), 0);
  assert.equal(badness('DeviceAllow', 'PrivateDevices=yes'), 0);
  const s = scoreOf('DevicePolicy=strict\nDeviceAllow=/dev/null rw\nDeviceAllow=char-pts\nProtectClock=yes');
  assert.equal(row(s, 'DeviceAllow').badness, 5);
  assert.equal(row(s, 'DeviceAllow').description, 'Service has a device ACL with some special devices: char-rtc:r char-pts:rwm /dev/null:rw');
});
