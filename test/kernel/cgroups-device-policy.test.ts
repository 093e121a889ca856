// The device policy's edge on its own: the program the kernel's verifier must accept, attached to
// a cgroup2 directory of the test's own, and the typed errors when a step fails.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsRoot } from '../fixtures/plans.js';
import { applyV1DevicePolicy, attachDeviceProgram, DevicePolicyError } from '../../src/cgroups/device-policy.js';
import { removeCgroupTree } from '../../src/cgroups/container.js';
import { containerDeviceRules } from '../../src/nspawn/device-policy.js';

const unified = ['/sys/fs/cgroup/unified', '/sys/fs/cgroup'].find((p) => existsSync(`${p}/cgroup.controllers`));
const v1Devices = existsSync('/sys/fs/cgroup/devices/devices.allow') ? '/sys/fs/cgroup/devices' : undefined;

describe('device policy at the edge', { skip: needsRoot }, () => {
  test('a long allow list loads and attaches; the directory goes with its program', { skip: !unified && 'no cgroup2' }, () => {
    const dir = join(unified!, `nsbox-devtest-${process.pid}`);
    mkdirSync(dir);
    try {
      // 200 bound nodes: the program grows linearly, and the verifier still accepts it.
      const bound = Array.from({ length: 200 }, (_, i) => ({ type: 'block' as const, major: 7, minor: i, readOnly: i % 2 === 0 }));
      attachDeviceProgram(dir, containerDeviceRules([136], bound));
    } finally {
      rmdirSync(dir);
    }
    assert.equal(existsSync(dir), false);
  });

  test('attaching to a directory that is no cgroup fails with a typed error naming the step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsbox-devtest-'));
    try {
      assert.throws(() => attachDeviceProgram(dir, containerDeviceRules([136])), (err: unknown) => {
        assert.ok(err instanceof DevicePolicyError);
        assert.equal(err.code, 'DEVICE_POLICY');
        assert.equal(err.step, 'BPF_PROG_ATTACH');
        assert.equal(err.cgroup, dir);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('v1: a missing directory fails at devices.deny; a real one gets the list and a payload child that inherits it', { skip: !v1Devices && 'no v1 devices controller' }, () => {
    assert.throws(() => applyV1DevicePolicy('/sys/fs/cgroup/devices/nsbox-devtest-missing', []), (err: unknown) => err instanceof DevicePolicyError && err.step === 'devices.deny');
    const dir = join(v1Devices!, `nsbox-devtest-${process.pid}`);
    mkdirSync(dir);
    try {
      const payload = applyV1DevicePolicy(dir, containerDeviceRules([136]));
      assert.equal(payload, `${dir}/payload`);
      assert.equal(readFileSync(`${payload}/devices.list`, 'utf8'), readFileSync(`${dir}/devices.list`, 'utf8'));
      assert.match(readFileSync(`${payload}/devices.list`, 'utf8'), /^c 1:3 rwm\n/);
    } finally {
      removeCgroupTree(dir);
    }
    assert.equal(existsSync(dir), false);
  });

  test('v1 under a parent with a policy of its own: the nodes it refuses are left out, the rest holds', { skip: !v1Devices && 'no v1 devices controller' }, () => {
    const parent = join(v1Devices!, `nsbox-devtest-parent-${process.pid}`);
    mkdirSync(parent);
    try {
      writeFileSync(`${parent}/devices.deny`, 'a');
      writeFileSync(`${parent}/devices.allow`, 'c 1:3 rwm');
      writeFileSync(`${parent}/devices.allow`, 'c 136:* rw');
      mkdirSync(`${parent}/child`);
      const payload = applyV1DevicePolicy(`${parent}/child`, containerDeviceRules([136]));
      assert.equal(readFileSync(`${payload}/devices.list`, 'utf8'), 'c 1:3 rwm\nc 136:* rw\n');
    } finally {
      removeCgroupTree(parent);
    }
    assert.equal(existsSync(parent), false);
  });
});
