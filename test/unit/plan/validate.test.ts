import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePlan } from '../../../src/plan/validate.js';
import { encodePlan } from '../../../src/plan/wire.js';
import { InvalidPlanError } from '../../../src/errors.js';
import { rootPath, hostPath, type Plan } from '../../../src/plan/types.js';

const good: Plan = {
  namespaces: ['mount', 'uts'], pidMode: 'payload-is-pid1', root: '/srv/tree',
  ops: [{ kind: 'proc', target: rootPath('/proc'), flags: {} }, { kind: 'bind', source: hostPath('/etc/hosts'), target: rootPath('/etc/hosts'), recursive: false, flags: {}, optional: false, create: 'file' } as never, { kind: 'switch-root' }],
  process: { argv: ['/bin/sh'], env: ['PATH=/bin'], cwd: '/', terminal: { kind: 'inherit' } },
};

const refusal = (plan: unknown, field: string, message: RegExp): void => {
  assert.throws(() => validatePlan(plan), (e: unknown) => {
    assert.ok(e instanceof InvalidPlanError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
};

test('a well-formed plan passes', () => validatePlan(good));

test('the mistakes of a plan written in plain JavaScript are named by field', () => {
  const { process: _p, ...noProcess } = good;
  refusal(noProcess, 'plan.process', /expected an object/);
  refusal({ ...good, namespaces: ['mnt'] }, 'plan.namespaces[0]', /unknown namespace "mnt"/);
  refusal({ ...good, namespaces: ['pid'] }, 'plan.namespaces[0]', /pidMode/);
  refusal({ ...good, pidMode: 'pid1' }, 'plan.pidMode', /payload-is-pid1/);
  refusal({ ...good, ops: [{ kind: 'proc', target: '/proc', flags: {} }] }, 'plan.ops[0].target', /rootPath/);
  refusal({ ...good, ops: [{ kind: 'proc', flags: {} }] }, 'plan.ops[0].target', /expected an object/);
  refusal({ ...good, ops: [{ kind: 'frobnicate' }] }, 'plan.ops[0].kind', /unknown op/);
  refusal({ ...good, ops: [{ kind: 'tmpfs', target: rootPath('tmp'), mode: 0o1777, flags: {}, create: 'dir' }] }, 'plan.ops[0].target.path', /absolute/);
  refusal({ ...good, process: { ...good.process, argv: [] } }, 'plan.process.argv', /empty/);
  refusal({ ...good, process: { ...good.process, env: ['PATH'] } }, 'plan.process.env[0]', /NAME=value/);
  refusal({ ...good, process: { ...good.process, terminal: undefined } }, 'plan.process.terminal', /object/);
  refusal('not a plan', 'plan', /expected an object/);
});

test('encodePlan refuses through the same check', () => {
  assert.throws(() => encodePlan({ ...good, namespaces: ['mnt'] } as unknown as Plan), InvalidPlanError);
});
