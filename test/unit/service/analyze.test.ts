import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { analyzeMain } from '../../../src/cli/analyze.js';
import { capabilitiesFromStatus, mountPointsFromMountinfo, parseUserDatabase } from '../../../src/service/index.js';

const fixture = fileURLToPath(new URL('../../../../test/fixtures/units/analyze/demo.service', import.meta.url));

async function analyze(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await analyzeMain(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** The tree line for `path` (as explain renders it: the last components under the parent). */
const lineFor = (out: string, label: string): string => {
  const pattern = label === '/' ? /^\s+\/\s+read/ : new RegExp(`─ ${label.replace(/[/.]/g, '\\$&')}\\s`);
  const line = out.split('\n').find((l) => pattern.test(l));
  assert.ok(line, `no line for ${label} in:\n${out}`);
  return line;
};

test('analyze plan FILE: diagnostics with file:line first, then each command headed by kind and argv', async () => {
  const r = await analyze('plan', fixture);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `demo.service: ${fixture}`);
  const diag = lines.findIndex((l) => l === `${fixture}:16: Unknown key 'NoSuchKey' in section [Service], ignoring.`);
  const pre = lines.indexOf('ExecStartPre: /bin/true');
  const start = lines.indexOf('ExecStart: sh -c "echo hello"');
  const unenforced = lines.indexOf(`${fixture}:17: RestrictAddressFamilies=: warning: accepted but not enforced by nsbox`);
  assert.ok(diag > 0 && unenforced > diag && pre > unenforced && start > pre, r.stdout);
  assert.match(r.stdout, /executable\s+\/(usr\/)?bin\/sh/);
});

test('analyze plan shows read-only, read-write, inaccessible, tmpfs and binds with their sources', async () => {
  const { stdout } = await analyze('plan', fixture);
  const start = stdout.slice(stdout.indexOf('ExecStart: '));
  assert.match(lineFor(start, '/'), /read-only\s+host \//);
  assert.match(lineFor(start, 'var/lib/demo'), /read-write\s+bind from itself .*\(if present\)/);
  assert.match(lineFor(start, 'srv/secret'), /INACCESSIBLE/);
  assert.match(lineFor(start, 'var/cache'), /read-write nodev\s+tmpfs, mode 0700/);
  assert.match(lineFor(start, 'run/host-name'), /read-only\s+bind from host \/etc\/hostname/);
  assert.match(lineFor(start, 'tmp'), /read-write\s+bind from host \/tmp\/nsbox-private-demo\.service-/);
  assert.match(start, /GREETING=hello/);
});

test('analyze: a missing unit, a bad command and a missing operand are one-line errors with exit codes', async () => {
  const missing = await analyze('plan', 'no-such-unit-here.service', '--root=/nonexistent');
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', 'nsbox analyze: Unit no-such-unit-here.service not found.\n']);
  const bogus = await analyze('frobnicate');
  assert.equal(bogus.code, 2);
  assert.match(bogus.stderr, /^nsbox analyze: unknown command "frobnicate"\nusage:/);
  const noUnit = await analyze('plan');
  assert.equal(noUnit.code, 2);
  assert.doesNotMatch(noUnit.stderr, /\n\s+at /);
});

test('analyze verify delegates to analyze-verify and prints its findings on stderr', async () => {
  const r = await analyze('verify', fixture);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /demo\.service:16: Unknown key 'NoSuchKey'/);
});

test('parseUserDatabase() reads passwd and group by name or id, with memberships', () => {
  const db = parseUserDatabase('root:x:0:0:root:/root:/bin/sh\nalice:x:1000:100:A:/home/alice:/bin/bash\nbroken line\n',
    'users:x:100:\nwheel:x:10:alice,bob\n');
  assert.deepEqual(db.user('1000'), { name: 'alice', uid: 1000, gid: 100, home: '/home/alice', shell: '/bin/bash' });
  assert.equal(db.user('alice')?.uid, 1000);
  assert.deepEqual(db.group('10'), { name: 'wheel', gid: 10 });
  assert.deepEqual(db.memberships('alice'), [10]);
  assert.equal(db.user('broken line'), undefined);
});

test('capabilitiesFromStatus() and mountPointsFromMountinfo() decode /proc', () => {
  assert.deepEqual(capabilitiesFromStatus('CapInh:\t0000000000000000\nCapPrm:\t0000000000200001\n'), [0, 21]);
  assert.deepEqual(mountPointsFromMountinfo('22 1 0:5 / /run rw - tmpfs tmpfs rw\n23 1 0:6 / /a\\040b rw - tmpfs x rw\n'), ['/run', '/a b']);
});
