// --cpu-affinity= and CPUAffinity=: CPU lists, how they reach the plan and the wire. The accepted
// spellings, warnings and failures are systemd-nspawn 252's, seen on this host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuList } from '../../../src/nspawn/cpu-affinity.js';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { cpuMask } from '../../../src/plan/wire.js';
import { describeStep } from '../../../src/plan/describe.js';
import { InvalidPlanError } from '../../../src/errors.js';
import { exitStatusForStep } from '../../../src/sandbox/exit-status.js';
import { apply, cli, FILE, TRUSTED, UNTRUSTED } from './settings-fixtures.js';

const cpus = (v: string) => {
  const l = parseCpuList(v);
  return l.kind === 'cpus' ? l.cpus : l;
};

test('parseCpuList(): numbers and ranges split at whitespace and commas, sorted, without repeats', () => {
  assert.deepEqual(cpus('0'), [0]);
  assert.deepEqual(cpus('1,0'), [0, 1]);
  assert.deepEqual(cpus(' 0, 1 '), [0, 1]);
  assert.deepEqual(cpus('2-4 3,0'), [0, 2, 3, 4]);
  assert.deepEqual(cpus(''), []);
  assert.deepEqual(parseCpuList('1-0 0'), { kind: 'cpus', cpus: [0], reversedRanges: ['1-0'] });
  for (const bad of ['x', '0-', 'all', '0--1', '-1', '8192', '0-9000']) assert.equal((parseCpuList(bad) as { kind: string }).kind, 'invalid', bad);
});

test('--cpu-affinity=: the last one counts, an empty one takes it back; errors name the option', () => {
  assert.deepEqual(parseNspawnArgs(['-D', '/t', '--cpu-affinity=1', '--cpu-affinity=0,2']).cpuAffinity, [0, 2]);
  assert.equal(parseNspawnArgs(['-D', '/t', '--cpu-affinity=1', '--cpu-affinity=']).cpuAffinity, undefined);
  assert.ok(parseNspawnArgs(['-D', '/t', '--cpu-affinity=1']).fixedByCommandLine.includes('cpu-affinity'));
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--cpu-affinity=x']), { code: 'NSPAWN_USAGE', message: '--cpu-affinity: invalid CPU list "x": x: not a CPU number or range' });
  // nspawn skips the reversed range and then fails to start with an empty set.
  assert.throws(() => parseNspawnArgs(['-D', '/t', '--cpu-affinity=1-0']), { code: 'NSPAWN_USAGE', message: /^--cpu-affinity: no CPU left/ });
  assert.deepEqual(parseNspawnArgs(['-D', '/t', '--cpu-affinity=1-0 0']).cpuAffinity, [0]);
});

test('CPUAffinity=: lines add CPUs, an empty one resets; a reversed range is a warning, an unparsable value fails the file', () => {
  assert.deepEqual(apply('[Exec]\nCPUAffinity=0\nCPUAffinity=1\n').options.cpuAffinity, [0, 1]);
  assert.equal(apply('[Exec]\nCPUAffinity=1\nCPUAffinity=\n').options.cpuAffinity, undefined);
  const reversed = apply('[Exec]\nCPUAffinity=1\nCPUAffinity=\nCPUAffinity=1-0 0\n');
  assert.deepEqual(reversed.options.cpuAffinity, [0]);
  assert.deepEqual(reversed.warnings, [`${FILE}:4: Range '1-0' is invalid, 1 > 0, ignoring.`]);
  // nspawn refuses to load such a file, trusted or not.
  assert.throws(() => apply('[Exec]\nCPUAffinity=x\n', cli(), UNTRUSTED), { code: 'NSPAWN_SETTINGS', line: 2, message: `${FILE}:2: Failed to parse CPU affinity 'x'` });
});

test('CPUAffinity=: privileged, and the command line wins', () => {
  const untrusted = apply('[Exec]\nCPUAffinity=1\n', cli(), UNTRUSTED);
  assert.equal(untrusted.options.cpuAffinity, undefined);
  assert.deepEqual(untrusted.warnings, [`Ignoring CPUAffinity= setting, file '${FILE}' is not trusted.`]);
  assert.deepEqual(apply('[Exec]\nCPUAffinity=1\n', cli('--cpu-affinity=0'), TRUSTED).options.cpuAffinity, [0]);
});

test('cpuMask(): bit N of little-endian 64-bit words is CPU N; the plan step has its own name and status', () => {
  assert.deepEqual([...cpuMask([0, 9])], [1, 2, 0, 0, 0, 0, 0, 0]);
  assert.equal(cpuMask([64]).length, 16);
  assert.equal(cpuMask([64])[8], 1);
  assert.throws(() => cpuMask([]), InvalidPlanError);
  assert.throws(() => cpuMask([8192]), InvalidPlanError);
  const plan = { namespaces: [], pidMode: 'none', ops: [], process: { argv: ['/x'], env: [], cwd: '/', terminal: { kind: 'inherit' }, cpuAffinity: [0, 2] } } as const;
  assert.equal(describeStep('CPU_AFFINITY', plan), 'set CPU affinity 0,2');
  assert.equal(exitStatusForStep('CPU_AFFINITY'), 'CPUAFFINITY');
});
