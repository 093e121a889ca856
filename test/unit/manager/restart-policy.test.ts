import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shallRestart, startLimit } from '../../../src/manager/restart-policy.js';
import type { ExitStatusSet, RestartPolicy } from '../../../src/unit/settings.js';
import type { ServiceResult } from '../../../src/manager/states.js';

const none: ExitStatusSet = { statuses: [], signals: [] };
const settings = (restart: RestartPolicy, prevent = none, force = none) => ({ restart, restartPreventExitStatus: prevent, restartForceExitStatus: force });

test('Restart= policies against results, as systemd.service(5)\'s table', () => {
  const results: ServiceResult[] = ['success', 'exit-code', 'signal', 'core-dump', 'timeout', 'watchdog'];
  const table: Record<RestartPolicy, ServiceResult[]> = {
    no: [], always: results, 'on-success': ['success'], 'on-failure': ['exit-code', 'signal', 'core-dump', 'timeout', 'watchdog'],
    'on-abnormal': ['signal', 'core-dump', 'timeout', 'watchdog'], 'on-watchdog': ['watchdog'], 'on-abort': ['signal', 'core-dump'],
  };
  for (const [policy, yes] of Object.entries(table) as [RestartPolicy, ServiceResult[]][]) {
    for (const r of results) assert.equal(shallRestart(settings(policy), r, undefined), yes.includes(r), `${policy} / ${r}`);
  }
});

test('RestartPreventExitStatus= wins over the policy, RestartForceExitStatus= over a policy that says no', () => {
  assert.equal(shallRestart(settings('always', { statuses: [3], signals: [] }), 'exit-code', { kind: 'exited', code: 3 }), false);
  assert.equal(shallRestart(settings('always', { statuses: [], signals: [9] }), 'signal', { kind: 'signaled', signal: 9 }), false);
  assert.equal(shallRestart(settings('no', none, { statuses: [0], signals: [] }), 'success', { kind: 'exited', code: 0 }), true);
});

test('the start limit refuses the start past the burst within the interval, and forgets starts older than it', () => {
  let starts: number[] = [];
  for (const t of [0, 100, 200]) {
    const r = startLimit(starts, t, 10_000_000, 3);
    assert.equal(r.allowed, true);
    starts = r.starts;
  }
  assert.equal(startLimit(starts, 300, 10_000_000, 3).allowed, false);
  assert.equal(startLimit(starts, 10_050, 10_000_000, 3).allowed, true, 'the first start has left the 10 s window');
  assert.equal(startLimit(starts, 300, 0, 3).allowed, true, 'an interval of 0 disables the limit');
});
