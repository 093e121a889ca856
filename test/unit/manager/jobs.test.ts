// The job engine, without root: what a request pulls in, merging, conflicts and the order of jobs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTransaction, mergeJobTypes, runOrder, JobConflictError, JobOrderingCycleError, JobUnitNotFoundError, type UnitDependencies } from '../../../src/manager/jobs.js';
import { activeStateOf, combineResult, resultOfEnd } from '../../../src/manager/states.js';

const none: UnitDependencies = { requires: [], requisite: [], wants: [], bindsTo: [], partOf: [], conflicts: [], after: [], before: [] };
const graph = (units: Record<string, Partial<UnitDependencies>>) => {
  const lookup = (n: string): UnitDependencies | undefined => (units[n] ? { ...none, ...units[n] } : undefined);
  return { lookup, known: Object.keys(units) };
};
const summary = (jobs: ReturnType<typeof buildTransaction>) => runOrder(jobs).map((j) => `${j.type} ${j.unit}`);

test('start pulls in Requires= and Wants=, ordered by After=', () => {
  const g = graph({ 'a.service': { requires: ['b.service'], wants: ['c.service', 'missing.service'], after: ['b.service', 'c.service'] }, 'b.service': {}, 'c.service': {} });
  const jobs = buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => false);
  assert.deepEqual(summary(jobs), ['start b.service', 'start c.service', 'start a.service']);
  const a = jobs.find((j) => j.unit === 'a.service')!;
  assert.equal(a.anchor, true);
  assert.deepEqual(a.waitsFor, ['b.service', 'c.service']);
  assert.deepEqual(a.requiredJobs, ['b.service'], 'Wants= never fails the job');
});

test('Requires= without After= starts both at once', () => {
  const g = graph({ 'a.service': { requires: ['b.service'] }, 'b.service': {} });
  const jobs = buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => false);
  assert.ok(jobs.every((j) => j.waitsFor.length === 0));
  assert.deepEqual(jobs.find((j) => j.unit === 'a.service')!.requiredJobs, []);
});

test('a missing Requires= fails the transaction, naming the unit', () => {
  const g = graph({ 'a.service': { requires: ['gone.service'] } });
  assert.throws(() => buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => false), (e: unknown) => e instanceof JobUnitNotFoundError && e.unit === 'gone.service' && e.message === 'Unit gone.service not found.');
  assert.throws(() => buildTransaction({ unit: 'nope.service', type: 'start' }, g.lookup, g.known, () => false), JobUnitNotFoundError);
});

test('Before= on the other side orders as After= does', () => {
  const g = graph({ 'a.service': { wants: ['b.service'] }, 'b.service': { before: ['a.service'] } });
  const jobs = buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => false);
  assert.deepEqual(summary(jobs), ['start b.service', 'start a.service']);
  assert.deepEqual(jobs.find((j) => j.unit === 'a.service')!.waitsFor, ['b.service']);
});

test('Conflicts= stops the other unit (either side declaring it), the stop first', () => {
  const g = graph({ 'a.service': { conflicts: ['b.service'], after: ['b.service'] }, 'b.service': {}, 'c.service': { conflicts: ['a.service'] } });
  const jobs = buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => true);
  assert.deepEqual(summary(jobs), ['stop b.service', 'start a.service', 'stop c.service'], 'c is not ordered against a: no wait');
  assert.deepEqual(jobs.find((j) => j.unit === 'a.service')!.waitsFor, ['b.service']);
});

test('stop pulls in the stop of active units that need it, in reverse order', () => {
  const g = graph({ 'db.service': {}, 'web.service': { requires: ['db.service'], after: ['db.service'] }, 'idle.service': { requires: ['db.service'] }, 'side.service': { wants: ['db.service'] } });
  const active = new Set(['db.service', 'web.service', 'side.service']);
  const jobs = buildTransaction({ unit: 'db.service', type: 'stop' }, g.lookup, g.known, (u) => active.has(u));
  assert.deepEqual(summary(jobs), ['stop web.service', 'stop db.service'], 'idle is inactive, side only wants it');
});

test('jobs of one unit merge; start and stop of one unit conflict', () => {
  assert.equal(mergeJobTypes('start', 'start'), 'start');
  assert.equal(mergeJobTypes('start', 'restart'), 'restart');
  assert.equal(mergeJobTypes('restart', 'start'), 'restart');
  assert.equal(mergeJobTypes('start', 'stop'), undefined);
  // a.service wants b (start b) and conflicts with b (stop b).
  const g = graph({ 'a.service': { wants: ['b.service'], conflicts: ['b.service'] }, 'b.service': {} });
  assert.throws(() => buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => true), (e: unknown) => e instanceof JobConflictError && ['a.service', 'b.service'].includes(e.unit));
  // Two paths to one unit make one job.
  const d = graph({ 'a.service': { wants: ['b.service', 'c.service'] }, 'b.service': { requires: ['c.service'] }, 'c.service': {} });
  assert.equal(buildTransaction({ unit: 'a.service', type: 'start' }, d.lookup, d.known, () => false).length, 3);
});

test('restart restarts the active units that require the restarted one', () => {
  const g = graph({ 'db.service': {}, 'web.service': { partOf: ['db.service'] } });
  const jobs = buildTransaction({ unit: 'db.service', type: 'restart' }, g.lookup, g.known, () => true);
  assert.deepEqual(summary(jobs), ['restart db.service', 'restart web.service']);
});

test('an ordering cycle is an error naming the units', () => {
  const g = graph({ 'a.service': { wants: ['b.service'], after: ['b.service'] }, 'b.service': { after: ['a.service'] } });
  assert.throws(() => buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => false), (e: unknown) => e instanceof JobOrderingCycleError && e.units.includes('a.service') && e.units.includes('b.service'));
});

test('states: sub state to active state, results, first failure wins', () => {
  assert.equal(activeStateOf('running'), 'active');
  assert.equal(activeStateOf('exited'), 'active');
  assert.equal(activeStateOf('start-pre'), 'activating');
  assert.equal(activeStateOf('stop-sigterm'), 'deactivating');
  assert.equal(activeStateOf('failed'), 'failed');
  assert.equal(activeStateOf('dead'), 'inactive');
  assert.equal(resultOfEnd({ kind: 'exited', code: 0 }), 'success');
  assert.equal(resultOfEnd({ kind: 'exited', code: 3 }), 'exit-code');
  assert.equal(resultOfEnd({ kind: 'exited', code: 3 }, { main: true, successStatuses: [3] }), 'success');
  assert.equal(resultOfEnd({ kind: 'signaled', signal: 15 }), 'success');
  assert.equal(resultOfEnd({ kind: 'signaled', signal: 9 }), 'signal');
  assert.equal(resultOfEnd({ kind: 'signaled', signal: 15 }, { main: false }), 'signal');
  assert.equal(combineResult('exit-code', 'timeout'), 'exit-code');
  assert.equal(combineResult('success', 'timeout'), 'timeout');
});

test('Requisite= starts nothing: the job names the units that must already be active', () => {
  const g = graph({ 'a.service': { requisite: ['b.service'], after: ['b.service'] }, 'b.service': {} });
  const jobs = buildTransaction({ unit: 'a.service', type: 'start' }, g.lookup, g.known, () => false);
  assert.deepEqual(summary(jobs), ['start a.service']);
  assert.deepEqual(jobs[0]!.mustBeActive, ['b.service']);
  assert.deepEqual(buildTransaction({ unit: 'a.service', type: 'stop' }, g.lookup, g.known, () => true).find((j) => j.unit === 'a.service')!.mustBeActive, []);
});
