import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostCgroupsFrom, parseProcCgroup } from '../../../src/cgroups/detect.js';
import { cgroupJoinPath, cgroupOps, containerCgroupDirs, containerCgroupMode, devicePolicyTarget } from '../../../src/nspawn/cgroup-layout.js';

// This host's layout (Debian 12 without systemd as PID 1): v1 controllers, name=systemd, cgroup2 at unified.
const HYBRID_MOUNTINFO = [
  '30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '32 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '32 30 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices',
  '33 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
  '34 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');
const PROC_CGROUP = '9:name=systemd:/x-1\n5:devices:/\n4:memory:/api/abc\n1:cpu:/\n0::/\n';

test('hostCgroupsFrom() detects hybrid, with this process\'s place in each hierarchy', () => {
  const h = hostCgroupsFrom(HYBRID_MOUNTINFO, PROC_CGROUP);
  assert.equal(h.mode, 'hybrid');
  assert.deepEqual(h.v1.map((x) => [x.name, x.ownPath]), [['cpu', '/'], ['memory', '/api/abc'], ['devices', '/'], ['systemd', '/x-1']]);
  assert.deepEqual(h.unified, { mountPoint: '/sys/fs/cgroup/unified', ownPath: '/' });
  assert.equal(hostCgroupsFrom(HYBRID_MOUNTINFO.split('\n').slice(0, 5).join('\n'), PROC_CGROUP).mode, 'legacy');
  assert.equal(hostCgroupsFrom('40 1 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw', '0::/user.slice\n').unified?.ownPath, '/user.slice');
  assert.deepEqual([...parseProcCgroup('2:cpu,cpuacct:/a\n').entries()], [['cpu', '/a'], ['cpuacct', '/a']]);
});

test('containerCgroupMode(): hybrid only for a tree with systemd; unified hosts and the override give cgroup2', () => {
  const hybrid = hostCgroupsFrom(HYBRID_MOUNTINFO, PROC_CGROUP);
  assert.equal(containerCgroupMode(hybrid, true), 'hybrid');
  assert.equal(containerCgroupMode(hybrid, false), 'legacy');
  assert.equal(containerCgroupMode(hybrid, false, true), 'unified');
});

test('containerCgroupDirs() + cgroupOps(): a writable name=systemd and cgroup2 of its own, controllers read-only', () => {
  const hybrid = hostCgroupsFrom(HYBRID_MOUNTINFO, PROC_CGROUP);
  const dirs = containerCgroupDirs(hybrid, 'hybrid', 'nsbox-m-1');
  assert.deepEqual(dirs, [
    { hierarchy: 'systemd', path: '/sys/fs/cgroup/systemd/x-1/nsbox-m-1' },
    { hierarchy: 'unified', path: '/sys/fs/cgroup/unified/nsbox-m-1' },
    { hierarchy: 'devices', path: '/sys/fs/cgroup/devices/nsbox-m-1' },
  ]);
  const ops = cgroupOps(hybrid, 'hybrid', dirs);
  const describe = ops.map((o) => `${o.kind} ${'target' in o ? o.target.path : o.kind === 'mkdir' ? o.path.path : ''}${o.kind === 'bind' ? ` <- ${o.source.path}${o.flags.readOnly ? ' ro' : ''}` : ''}`);
  assert.deepEqual(describe, [
    'tmpfs /sys/fs/cgroup',
    'bind /sys/fs/cgroup/cpu <- /sys/fs/cgroup/cpu ro',
    'bind /sys/fs/cgroup/memory <- /sys/fs/cgroup/memory/api/abc ro',
    'bind /sys/fs/cgroup/devices <- /sys/fs/cgroup/devices/nsbox-m-1/payload ro',
    'bind /sys/fs/cgroup/systemd <- /sys/fs/cgroup/systemd/x-1/nsbox-m-1',
    'mkdir /sys/fs/cgroup/unified',
    'cgroup2 /sys/fs/cgroup/unified',
    'remount /sys/fs/cgroup',
  ]);
  const unified = cgroupOps(hybrid, 'unified', containerCgroupDirs(hybrid, 'unified', 'n'));
  assert.deepEqual(unified.map((o) => o.kind), ['cgroup2']);
});

test('devicePolicyTarget(): the v1 devices directory (joined through its payload child), else a cgroup2 program', () => {
  const hybrid = hostCgroupsFrom(HYBRID_MOUNTINFO, PROC_CGROUP);
  const v1 = containerCgroupDirs(hybrid, 'legacy', 'n');
  assert.deepEqual(devicePolicyTarget(v1), { kind: 'v1-devices', dir: '/sys/fs/cgroup/devices/n' });
  assert.deepEqual(v1.map(cgroupJoinPath), ['/sys/fs/cgroup/systemd/x-1/n', '/sys/fs/cgroup/devices/n/payload']);
  const unified = containerCgroupDirs(hybrid, 'unified', 'n');
  assert.deepEqual(unified.map((d) => d.hierarchy), ['unified'], 'a cgroup2-only view joins no v1 hierarchy');
  assert.deepEqual(devicePolicyTarget(unified), { kind: 'cgroup2-program', dir: '/sys/fs/cgroup/unified/n' });
  const noDevices = hostCgroupsFrom(HYBRID_MOUNTINFO.replace(/.*devices.*\n/, ''), PROC_CGROUP);
  assert.deepEqual(devicePolicyTarget(containerCgroupDirs(noDevices, 'hybrid', 'n')), { kind: 'cgroup2-program', dir: '/sys/fs/cgroup/unified/n' });
  assert.deepEqual(devicePolicyTarget(containerCgroupDirs(noDevices, 'legacy', 'n')), { kind: 'none' });
});
