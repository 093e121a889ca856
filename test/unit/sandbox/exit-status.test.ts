import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitStatusForStep } from '../../../src/sandbox/exit-status.js';
import { formatExitStatus } from '../../../src/unit/exit-status.js';

test('exitStatusForStep() gives systemd\'s statuses for the helper\'s steps', () => {
  assert.equal(formatExitStatus(exitStatusForStep('OP')), '226/NAMESPACE');
  assert.equal(formatExitStatus(exitStatusForStep('CHDIR')), '200/CHDIR');
  assert.equal(formatExitStatus(exitStatusForStep('EXEC')), '203/EXEC');
  assert.equal(formatExitStatus(exitStatusForStep('CREDENTIALS')), '217/USER');
  assert.equal(formatExitStatus(exitStatusForStep('SECCOMP')), '228/SECCOMP');
  assert.equal(formatExitStatus(exitStatusForStep('LOOPBACK')), '225/NETWORK');
});
