// --rlimit, --oom-score-adjust, --no-new-privileges, --ambient-capability, --uuid, --personality:
// what nspawn 252 accepts and refuses on this host, and what they put into the plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { planNspawn } from '../../../src/nspawn/plan.js';
import { containerRlimits } from '../../../src/nspawn/rlimits.js';
import { parseId128, parseRlimitAssignment } from '../../../src/nspawn/process-options.js';
import type { NspawnFacts } from '../../../src/nspawn/facts.js';
import { ALL_CAPABILITIES, capabilityNumber } from '../../../src/plan/capabilities.js';

const cap = (n: string): number => capabilityNumber(n)!;
const args = (...a: string[]) => parseNspawnArgs(['-D', '/srv/deb', ...a]);

function facts(more: { machineId?: string; boundingSet?: readonly number[] } = {}): NspawnFacts {
  return {
    tree: {
      directory: '/srv/deb', present: new Set(['/', '/usr', '/etc', '/etc/os-release', '/bin/sh']), localtime: { kind: 'missing' },
      passwd: 'root:x:0:0::/root:/bin/sh\nu:x:5:6::/home/u:/bin/sh\n', group: '', ...(more.machineId ? { machineId: more.machineId } : {}),
    },
    host: { boundingSet: more.boundingSet ?? ALL_CAPABILITIES, osRelease: {}, nofileHard: 20000, memTotalBytes: 2 ** 30, stdinIsTty: false, stdoutIsTty: false, env: {} },
    cgroups: { host: { mode: 'unified', root: '/sys/fs/cgroup', v1: [], unified: { mountPoint: '/sys/fs/cgroup', ownPath: '/' }, symlinks: [] }, mode: 'unified', dirs: [] },
    randomUuid: '11111111-2222-3333-4444-555555555555',
  };
}
const plan = (...a: string[]) => planNspawn(args(...a, '/bin/sh'), facts()).plan;

test('--rlimit: RLIMIT_NAME, NAME or LimitNAME (upper case) = SOFT[:HARD] in Limit*= units; each fixes its own resource', () => {
  assert.deepEqual(parseRlimitAssignment('--rlimit', 'RLIMIT_NOFILE=100:200'), { resource: 'nofile', limit: { soft: 100, hard: 200 } });
  assert.deepEqual(parseRlimitAssignment('--rlimit', 'NOFILE=100'), { resource: 'nofile', limit: { soft: 100, hard: 100 } });
  assert.deepEqual(parseRlimitAssignment('--rlimit', 'LimitCPU=1h'), { resource: 'cpu', limit: { soft: 3600, hard: 3600 } });
  assert.deepEqual(parseRlimitAssignment('--rlimit', 'RLIMIT_FSIZE=1M:infinity'), { resource: 'fsize', limit: { soft: 1024 * 1024, hard: null } });
  assert.deepEqual(parseRlimitAssignment('--rlimit', 'RLIMIT_RTTIME=1s'), { resource: 'rttime', limit: { soft: 1_000_000, hard: 1_000_000 } });
  for (const bad of ['nofile=100', 'RLIMIT_NOFILE', 'RLIMIT_NOFILE=', 'RLIMIT_NOFILE=300:200', 'RLIMIT_NOFILE=infinity:5', 'RLIMIT_FOO=1', 'RLIMIT_NOFILE=1:2:3']) {
    assert.throws(() => args(`--rlimit=${bad}`), { code: 'NSPAWN_USAGE', option: '--rlimit' }, bad);
  }
  const o = args('--rlimit=RLIMIT_CORE=0', '--rlimit=RLIMIT_CORE=5', '--rlimit=RLIMIT_AS=1G');
  assert.deepEqual(o.rlimits, { core: { soft: 5, hard: 5 }, as: { soft: 2 ** 30, hard: 2 ** 30 } }, 'the last one for a resource wins');
  assert.deepEqual(o.fixedByCommandLine, ['rlimit-core', 'rlimit-as']);
});

test('containerRlimits(): nofile soft 1024 unless asked; nspawn\'s closest for what may not be raised', () => {
  const host = { nofileHard: 20000, boundingSet: ALL_CAPABILITIES };
  const noResource = { nofileHard: 20000, boundingSet: ALL_CAPABILITIES.filter((c) => c !== cap('SYS_RESOURCE')) };
  assert.deepEqual(containerRlimits({}, host), { nofile: { soft: 1024, hard: 20000 } });
  assert.deepEqual(containerRlimits({ core: { soft: 0, hard: null } }, host), { nofile: { soft: 1024, hard: 20000 }, core: { soft: 0, hard: null } });
  assert.deepEqual(containerRlimits({ nofile: { soft: 100, hard: 200 } }, host).nofile, { soft: 100, hard: 200 });
  assert.deepEqual(containerRlimits({ nofile: { soft: null, hard: null } }, host).nofile, { soft: 20000, hard: 20000 }, 'above any nr_open: the caller\'s hard limit');
  assert.deepEqual(containerRlimits({ nofile: { soft: 10, hard: null } }, host).nofile, { soft: 10, hard: 20000 });
  assert.deepEqual(containerRlimits({ nofile: { soft: 50000, hard: 50000 } }, host).nofile, { soft: 50000, hard: 50000 });
  assert.deepEqual(containerRlimits({ nofile: { soft: 50000, hard: 50000 } }, noResource).nofile, { soft: 20000, hard: 20000 }, 'without CAP_SYS_RESOURCE');
  assert.deepEqual(plan('--rlimit=RLIMIT_NOFILE=64').process.rlimits, { nofile: { soft: 64, hard: 64 } });
  const limited = { ...noResource, hardLimits: { nproc: 500, core: null } };
  assert.deepEqual(containerRlimits({ nproc: { soft: 1000, hard: 2000 }, core: { soft: null, hard: null } }, limited), {
    nofile: { soft: 1024, hard: 20000 }, nproc: { soft: 500, hard: 500 }, core: { soft: null, hard: null },
  }, 'without CAP_SYS_RESOURCE every limit is clamped to the caller\'s hard one');
  assert.deepEqual(containerRlimits({ nproc: { soft: 1000, hard: 2000 } }, { ...host, hardLimits: { nproc: 500 } }).nproc, { soft: 1000, hard: 2000 }, 'with it, asked for');
});

test('--oom-score-adjust: -1000...1000 read as strtol() does (hex, octal, a sign, leading blanks)', () => {
  for (const [text, n] of [['500', 500], ['-1000', -1000], ['+5', 5], ['0x10', 16], ['010', 8], ['0o10', 8], [' 5', 5], ['-0', 0]] as const) {
    assert.equal(args(`--oom-score-adjust=${text}`).oomScoreAdjust, n, text);
  }
  for (const bad of ['1001', 'abc', '5 ', '08', '1e2', '']) assert.throws(() => args(`--oom-score-adjust=${bad}`), { code: 'NSPAWN_USAGE', option: '--oom-score-adjust' }, bad);
  assert.equal(plan('--oom-score-adjust=500').process.oomScoreAdjust, 500);
  assert.equal(plan().process.oomScoreAdjust, undefined, 'inherited by default');
});

test('--no-new-privileges takes a boolean; yes sets no_new_privs for the payload', () => {
  assert.equal(plan('--no-new-privileges=yes').process.noNewPrivileges, true);
  assert.equal(plan('--no-new-privileges=no').process.noNewPrivileges, undefined);
  assert.ok(args('--no-new-privileges=0').fixedByCommandLine.includes('no-new-privileges'));
  assert.throws(() => args('--no-new-privileges=maybe'), { code: 'NSPAWN_USAGE', option: '--no-new-privileges' });
});

test('--ambient-capability: root gets them on top; another user gets exactly them; never all, never with --boot, only what is retained', () => {
  const rootCaps = plan('--ambient-capability=CAP_NET_RAW').process.capabilities!;
  assert.deepEqual(rootCaps.ambient, [cap('NET_RAW')]);
  assert.ok(rootCaps.inheritable.includes(cap('SYS_ADMIN')), 'root keeps the retained set inheritable');
  const user = planNspawn(args('-u', 'u', '--ambient-capability=CAP_NET_RAW,CAP_CHOWN', '/bin/sh'), facts()).plan.process.capabilities!;
  const both = [cap('CHOWN'), cap('NET_RAW')];
  assert.deepEqual([user.ambient, user.inheritable, user.permitted, user.effective], [both, both, both, both]);
  assert.throws(() => args('--ambient-capability=all'), { code: 'NSPAWN_USAGE', option: '--ambient-capability' });
  assert.throws(() => args('--ambient-capability=CAP_NET_RAW', '-b'), { code: 'NSPAWN_USAGE', option: '--ambient-capability' });
  assert.throws(() => plan('--ambient-capability=CAP_SYS_TIME'), { code: 'NSPAWN_USAGE', message: /CAP_SYS_TIME not in the bounding set/ });
  assert.throws(() => plan('--ambient-capability=CAP_NET_RAW', '--drop-capability=CAP_NET_RAW'), { code: 'NSPAWN_USAGE' });
  assert.deepEqual(plan('--ambient-capability=CAP_SYS_TIME', '--capability=CAP_SYS_TIME').process.capabilities?.ambient, [cap('SYS_TIME')]);
  assert.ok(args('--ambient-capability=CAP_NET_RAW').fixedByCommandLine.includes('capability'));
});

test('--uuid: 32 hex digits or a UUID, any case, never all zeroes; the tree\'s machine id still wins', () => {
  assert.equal(args('--uuid=0123456789ABCDEF0123456789ABCDEF').uuid, '01234567-89ab-cdef-0123-456789abcdef');
  assert.equal(args('--uuid=01234567-89ab-cdef-0123-456789abcdef').uuid, '01234567-89ab-cdef-0123-456789abcdef');
  for (const bad of ['00000000000000000000000000000000', 'xyz', '{01234567-89ab-cdef-0123-456789abcdef}', '0123456789abcdef0123456789abcde']) {
    assert.throws(() => args(`--uuid=${bad}`), { code: 'NSPAWN_USAGE', option: '--uuid' }, bad);
  }
  assert.equal(parseId128('0123456789abcdef0123456789abcdeg'), undefined);
  const o = args('--uuid=0123456789abcdef0123456789abcdef', '/bin/sh');
  const mine = planNspawn(o, facts());
  assert.equal(mine.containerUuid, '01234567-89ab-cdef-0123-456789abcdef');
  assert.ok(mine.plan.process.env.includes('container_uuid=01234567-89ab-cdef-0123-456789abcdef'));
  assert.equal(planNspawn(o, facts({ machineId: 'fedcba9876543210fedcba9876543210' })).containerUuid, 'fedcba98-7654-3210-fedc-ba9876543210');
});

test('--personality: x86 (PER_LINUX32) and x86-64 (PER_LINUX), nothing else, case matters', () => {
  assert.equal(plan('--personality=x86').process.personality, 8);
  assert.equal(plan('--personality=x86-64').process.personality, 0);
  assert.equal(plan().process.personality, undefined);
  for (const bad of ['arm64', 'i386', 'X86']) assert.throws(() => args(`--personality=${bad}`), { code: 'NSPAWN_USAGE', option: '--personality' }, bad);
});
