import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { parseOverlaySpec, overlayPlan } from '../../../src/nspawn/overlay.js';
import { planCustomMounts } from '../../../src/nspawn/custom-mounts.js';
import { planNspawn } from '../../../src/nspawn/plan.js';
import { minimalFacts } from './plan-facts.js';
import type { Op } from '../../../src/plan/types.js';

const host = (path: string) => ({ in: 'host', path }) as const;
const root = (path: string) => ({ in: 'root', path }) as const;
const where = (ops: readonly Op[]): string[] => ops.map((op) => `${op.kind} ${'target' in op ? op.target.path : 'path' in op ? op.path.path : ''}`);

const facts = minimalFacts;

test('--inaccessible: an absolute path, over-mounted with the helper\'s empty node; not optional', () => {
  const o = parseNspawnArgs(['-D', '/t', '--inaccessible=/etc/shadow', '--inaccessible=/srv']);
  assert.deepEqual(o.inaccessible, ['/etc/shadow', '/srv']);
  assert.ok(o.fixedByCommandLine.includes('custom-mounts'));
  assert.deepEqual(planCustomMounts(o, '/t', 'tok').beforeProc, [
    { kind: 'inaccessible', target: root('/srv'), optional: false },
    { kind: 'inaccessible', target: root('/etc/shadow'), optional: false },
  ]);
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--inaccessible=etc']), { code: 'NSPAWN_USAGE', option: '--inaccessible' });
});

test('custom mounts in nspawn order: parents first; for one path bind, tmpfs, overlay, inaccessible; /proc ones after /proc', () => {
  const o = parseNspawnArgs(['-D', '/t', '--inaccessible=/x', '--overlay-ro=/l:/u:/x', '--tmpfs=/x', '--bind=/b:/x', '--inaccessible=/proc/kcore', '--bind=/c:/x/y/z']);
  const p = planCustomMounts(o, '/t', 'tok');
  assert.deepEqual(where(p.beforeProc), ['bind /x', 'tmpfs /x', 'overlay /x', 'inaccessible /x', 'bind /x/y/z']);
  assert.deepEqual(where(p.afterProc), ['inaccessible /proc/kcore']);
  const ops = where(planNspawn(o, facts()).plan.ops);
  assert.ok(ops.indexOf('bind /x/y/z') < ops.indexOf('proc /proc') && ops.indexOf('proc /proc') < ops.indexOf('inaccessible /proc/kcore'), ops.join(', '));
  assert.ok(ops.indexOf('tmpfs /run') < ops.indexOf('bind /x'), 'after the API file systems but /proc');
});

test('parseOverlaySpec(): LOWER...:UPPER:PATH, two paths mount UPPER at its own path, + in the tree, empty UPPER throwaway', () => {
  assert.deepEqual(parseOverlaySpec('--overlay', '/a:/b:/c:/mnt', false), {
    lower: [{ path: '/a', inTree: false }, { path: '/b', inTree: false }], upper: { path: '/c', inTree: false }, target: '/mnt', readOnly: false,
  });
  assert.deepEqual(parseOverlaySpec('--overlay-ro', '/a:+/var', true), { lower: [{ path: '/a', inTree: false }], upper: { path: '/var', inTree: true }, target: '/var', readOnly: true });
  assert.deepEqual(parseOverlaySpec('--overlay', '+/var::/var', false), { lower: [{ path: '/var', inTree: true }], target: '/var', readOnly: false });
  assert.deepEqual(parseOverlaySpec('--overlay', '/a\\:1::/m', false).lower, [{ path: '/a:1', inTree: false }]);
});

test('parseOverlaySpec(): what nspawn refuses, and relative host paths (nsbox has no working directory to resolve them)', () => {
  for (const bad of ['/only', '/a:', ':/u:/m', '/a:/u:', '/a:/u:m', '/a::m', 'rel:/u:/m', '/a:+rel:/m']) {
    assert.throws(() => parseOverlaySpec('--overlay', bad, false), { code: 'NSPAWN_USAGE', option: '--overlay' }, bad);
  }
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--overlay-ro=/x']), { code: 'NSPAWN_USAGE', option: '--overlay-ro' });
});

test('overlayPlan(): a host UPPER and its work directory beside it are made by the helper on the host, the work directory removed whole', () => {
  const p = overlayPlan(parseOverlaySpec('--overlay', '/l1:+/l2:/srv/up:/mnt', false), 0, '/t', 'tok');
  assert.deepEqual(p.ops, [
    { kind: 'overlay', target: root('/mnt'), lower: [root('/l2'), host('/l1')], upper: host('/srv/up'), work: host('/srv/.#uptok'), flags: {} },
  ]);
  assert.deepEqual(p.hostDirs, [{ path: '/srv/up', mode: 0o755 }, { path: '/srv/.#uptok', mode: 0o700 }]);
  assert.equal(p.usesScratch, false, 'nothing of the host is bound under /proc');
  assert.deepEqual(p.cleanup, [{ kind: 'remove-tree', path: '/srv/.#uptok' }]);
});

test('overlayPlan(): an UPPER in the tree is made there, with its work directory; cleanup names them on the host', () => {
  const p = overlayPlan(parseOverlaySpec('--overlay', '/l:+/var/up:/var', false), 1, '/srv/deb/', 'tok');
  assert.deepEqual(p.ops, [
    { kind: 'mkdir', path: root('/var/up'), mode: 0o755, parents: true },
    { kind: 'mkdir', path: root('/var/.#uptok'), mode: 0o700, parents: true },
    { kind: 'overlay', target: root('/var'), lower: [host('/l')], upper: root('/var/up'), work: root('/var/.#uptok'), flags: {} },
  ]);
  assert.equal(p.usesScratch, false);
  assert.deepEqual(p.hostDirs, []);
  assert.deepEqual(p.cleanup, [{ kind: 'remove-tree', path: '/srv/deb/var/.#uptok' }]);
});

test('overlayPlan(): an empty UPPER is a throwaway layer in the scratch tmpfs; nothing on the host to clean', () => {
  const p = overlayPlan(parseOverlaySpec('--overlay', '+/var::/var', false), 2, '/t', 'tok');
  assert.deepEqual(p.ops, [
    { kind: 'mkdir', path: root('/proc/upper2'), mode: 0o755, parents: true },
    { kind: 'mkdir', path: root('/proc/work2'), mode: 0o700, parents: true },
    { kind: 'overlay', target: root('/var'), lower: [root('/var')], upper: root('/proc/upper2'), work: root('/proc/work2'), flags: {} },
  ]);
  assert.deepEqual(p.cleanup, []);
});

test('overlayPlan(): --overlay-ro stacks UPPER on the lowers, read-only, with no work directory (an empty one when UPPER is empty)', () => {
  assert.deepEqual(overlayPlan(parseOverlaySpec('--overlay-ro', '/a:/b:/u:/m', true), 0, '/t', 'tok'), {
    ops: [{ kind: 'overlay', target: root('/m'), lower: [host('/u'), host('/b'), host('/a')], flags: { readOnly: true } }], hostDirs: [], cleanup: [], usesScratch: false,
  });
  const empty = overlayPlan(parseOverlaySpec('--overlay-ro', '/a::/m', true), 3, '/t', 'tok');
  assert.deepEqual(empty.ops.at(-1), { kind: 'overlay', target: root('/m'), lower: [root('/proc/empty3'), host('/a')], flags: { readOnly: true } });
  assert.equal(empty.usesScratch, true);
});

test('overlays: the scratch tmpfs goes on /proc before the custom mounts, and /proc covers it after them', () => {
  const o = parseNspawnArgs(['-D', '/srv/deb', '--overlay=+/var::/var', '--bind=/h:/srv', '/bin/sh']);
  const { plan } = planNspawn(o, facts());
  const ops = where(plan.ops);
  const scratch = ops.indexOf('tmpfs /proc');
  assert.ok(scratch >= 0 && scratch < ops.indexOf('overlay /var') && ops.indexOf('overlay /var') < ops.indexOf('proc /proc'), ops.join(', '));
  assert.ok(!where(planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--overlay-ro=/a:/b:/m', '/bin/sh']), facts()).plan.ops).includes('tmpfs /proc'), 'only when needed');
  const withUpper = planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--overlay=/a:/srv/u:/m', '/bin/sh']), facts()).plan;
  assert.deepEqual(withUpper.supervisor?.cleanup?.slice(-1), [{ kind: 'remove-tree', path: '/srv/.#u1111111122223333' }]);
  assert.deepEqual(withUpper.supervisor?.hostDirs, [{ path: '/srv/u', mode: 0o755 }, { path: '/srv/.#u1111111122223333', mode: 0o700 }]);
});

test('overlays onto /proc (mounted after it by nspawn) and an UPPER of / are refused', () => {
  assert.throws(() => planNspawn(parseNspawnArgs(['-D', '/srv/deb', '--overlay=/a::/proc/x', '/bin/sh']), facts()), { code: 'NSPAWN_UNSUPPORTED', message: '--overlay onto /proc/x is not supported yet' });
  assert.throws(() => overlayPlan(parseOverlaySpec('--overlay', '/a:/:/m', false), 0, '/t', 'tok'), { code: 'NSPAWN_USAGE' });
});
