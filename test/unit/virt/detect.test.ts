// systemd-detect-virt's decisions from facts: the order of the checks and the names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectContainer, detectVm, runningInUserns, type VirtFacts } from '../../../src/virt/detect.js';

const NONE: VirtFacts = {
  procVz: false, procBc: false, isPid1: false, runContainerenv: false, dockerenv: false, inCgroupNamespace: false,
  dmi: [], cpuHypervisorFlag: false, userModeLinux: false, zvm: false,
};

test('containers: /run/host/container-manager first, then $container, files, a cgroup namespace', () => {
  assert.equal(detectContainer(NONE), 'none');
  assert.equal(detectContainer({ ...NONE, runHostContainerManager: 'systemd-nspawn', dockerenv: true }), 'systemd-nspawn');
  assert.equal(detectContainer({ ...NONE, runHostContainerManager: 'nsbox' }), 'nsbox');
  assert.equal(detectContainer({ ...NONE, runHostContainerManager: 'something' }), 'container-other');
  assert.equal(detectContainer({ ...NONE, pid1ContainerEnv: 'lxc' }), 'lxc');
  assert.equal(detectContainer({ ...NONE, runSystemdContainer: 'podman', pid1ContainerEnv: 'lxc' }), 'podman');
  assert.equal(detectContainer({ ...NONE, isPid1: true, ownContainerEnv: '', dockerenv: true }), 'none', 'PID 1 with container= empty');
  assert.equal(detectContainer({ ...NONE, dockerenv: true }), 'docker');
  assert.equal(detectContainer({ ...NONE, runContainerenv: true, dockerenv: true }), 'podman');
  assert.equal(detectContainer({ ...NONE, inCgroupNamespace: true }), 'container-other');
  assert.equal(detectContainer({ ...NONE, pid1ContainerEnv: 'oci' }), 'none');
  assert.equal(detectContainer({ ...NONE, procVz: true }), 'openvz');
  assert.equal(detectContainer({ ...NONE, procVz: true, procBc: true }), 'none');
  assert.equal(detectContainer({ ...NONE, kernelOsRelease: '5.15.0-microsoft-standard-WSL2' }), 'wsl');
  assert.equal(detectContainer({ ...NONE, tracerComm: 'proot' }), 'proot');
});

test('VMs: VirtualBox/EC2/Parallels by DMI before the rest; DMI vendors; a bare hypervisor flag is vm-other', () => {
  assert.equal(detectVm({ ...NONE, dmi: ['VirtualBox', 'innotek GmbH'], cpuHypervisorFlag: true }), 'oracle');
  assert.equal(detectVm({ ...NONE, dmi: ['Standard PC', 'QEMU'] }), 'qemu');
  assert.equal(detectVm({ ...NONE, hypervisorType: 'xen', dmi: ['HVM domU', 'Xen'] }), 'xen');
  assert.equal(detectVm({ ...NONE, cpuHypervisorFlag: true }), 'vm-other');
  assert.equal(detectVm(NONE), 'none');
});

test('user namespaces: any map but the identity one, or setgroups denied', () => {
  assert.equal(runningInUserns({ uidMap: '         0          0 4294967295\n', gidMap: '         0          0 4294967295\n', setgroups: 'allow\n' }), false);
  assert.equal(runningInUserns({ uidMap: '         0     100000      65536\n' }), true);
  assert.equal(runningInUserns({ uidMap: '         0          0 4294967295\n', setgroups: 'deny\n' }), true);
});
