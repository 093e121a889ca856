// nsbox-test: needs bookworm-systemd
// `nsbox analyze security --offline=yes` against systemd-analyze 252 on the same units: every
// service of the Debian test tree and the project's own security fixtures must give the same
// overall exposure, the same --json=short and --json=pretty, the same table and exit code.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { debianTree } from '../fixtures/debian-tree.js';
import { randomSecurityUnits } from '../fixtures/security-random-units.js';
import { NSBOX_BIN } from './nspawn-cli.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/units/security', import.meta.url));
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

interface Run { readonly stdout: string; readonly stderr: string; readonly status: number | null }

/** Both tools pick their glyphs from the locale and TERM: emoji by default, ASCII where asked. */
const EMOJI_ENV: Record<string, string> = { LANG: 'C.UTF-8', TERM: 'xterm' };

function run(cmd: string, args: readonly string[], env: Record<string, string>): Run {
  // From / so that no relative path resolves differently for the two tools.
  // The whole tree's tables run past spawnSync's default 1 MiB buffer.
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: '/', maxBuffer: 64 << 20, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0', ...env } });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
const systemdAnalyze = (args: readonly string[], env = EMOJI_ENV): Run => run('systemd-analyze', ['security', '--offline=yes', ...args], env);
const nsbox = (args: readonly string[], env = EMOJI_ENV): Run => run(NSBOX_BIN, ['analyze', 'security', '--offline=yes', ...args], env);

/** "unit: 9.6 UNSAFE" for each summary line, to name what differs before comparing whole outputs. */
const overall = (table: string): string[] =>
  [...table.matchAll(/^→ Overall exposure level for (\S+): (\S+ \S+)/gm)].map((m) => `${m[1]}: ${m[2]}`);

function assertSame(args: readonly string[], what: string, env: Record<string, string> = EMOJI_ENV): Run {
  const expected = systemdAnalyze(args, env);
  const actual = nsbox(args, env);
  assert.equal(actual.status, expected.status, `${what}: exit status (systemd-analyze said: ${expected.stderr.trim()})`);
  if (!args.some((a) => a.startsWith('--json'))) assert.deepEqual(overall(actual.stdout), overall(expected.stdout), `${what}: overall exposure`);
  const expectedLines = expected.stdout.split('\n');
  const actualLines = actual.stdout.split('\n');
  for (let i = 0; i < Math.max(expectedLines.length, actualLines.length); i++) {
    assert.equal(actualLines[i], expectedLines[i], `${what}: line ${i + 1}`);
  }
  return expected;
}

const services = (root: string, dir: string): string[] =>
  readdirSync(join(root, dir)).filter((n) => n.endsWith('.service')).sort();

describe('analyze security matches systemd-analyze security --offline=yes', { skip: !hasSystemdAnalyze && 'systemd-analyze is not installed' }, () => {
  let debian: string;
  let fixtureRoot: string;
  let fixtureUnits: string[];
  before(async () => {
    debian = await debianTree();
    fixtureRoot = mkdtempSync('/tmp/nsbox-security-');
    const unitDir = join(fixtureRoot, 'etc/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    cpSync(fixtures, unitDir, { recursive: true });
    symlinkSync('static-user.service', join(unitDir, 'alias-of-static.service'));
    mkdirSync(join(unitDir, 'static-user.service.d'));
    writeFileSync(join(unitDir, 'static-user.service.d/50-harden.conf'), '[Service]\nPrivateTmp=yes\nNoNewPrivileges=yes\n');
    // A service whose command reads below /home and writes below /var/lib: --suggest must keep both.
    writeFileSync(join(unitDir, 'needs-home.service'), '[Service]\nExecStart=/bin/cat /home/app/data\nWorkingDirectory=/home/app\nReadWritePaths=/var/lib/app\n');
    for (const dir of ['home/app', 'var/lib/app', 'bin']) mkdirSync(join(fixtureRoot, dir), { recursive: true });
    writeFileSync(join(fixtureRoot, 'home/app/data'), 'data\n');
    copyFileSync('/bin/cat', join(fixtureRoot, 'bin/cat'));
    fixtureUnits = services(fixtureRoot, 'etc/systemd/system');
  });
  after(() => {
    if (fixtureRoot) rmSync(fixtureRoot, { recursive: true, force: true });
  });

  test('every service of the Debian tree: same overall exposure and table', () => {
    const names = [...services(debian, 'lib/systemd/system'), ...services(debian, 'etc/systemd/system')];
    assert.ok(names.length > 50, `only ${names.length} services in ${debian}`);
    assertSame([`--root=${debian}`, ...names], 'Debian tree');
  });

  test('ASCII glyphs without a TERM, and in the C locale', () => {
    assertSame([`--root=${debian}`, 'dbus.service', 'systemd-logind.service'], 'no TERM', { LANG: 'C.UTF-8' });
    assertSame([`--root=${debian}`, 'dbus.service'], 'TERM=dumb', { LANG: 'C.UTF-8', TERM: 'dumb' });
    assertSame([`--root=${debian}`, 'dbus.service'], 'LANG=C', { LANG: 'C', TERM: 'xterm' });
  });

  test('every service of the Debian tree: same --json=short', () => {
    const names = services(debian, 'lib/systemd/system');
    const expected = assertSame([`--root=${debian}`, '--json=short', ...names], 'Debian tree --json=short');
    // Masked units print nothing; every other one prints one JSON array of 81 rows.
    const arrays = expected.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown[]);
    assert.ok(arrays.length > 50 && arrays.every((a) => a.length === 81));
  });

  test('the project\'s security fixtures: same exposure, table, --json=short and --json=pretty', () => {
    assertSame([`--root=${fixtureRoot}`, ...fixtureUnits], 'fixtures');
    for (const unit of fixtureUnits) assertSame([`--root=${fixtureRoot}`, '--json=short', unit], `${unit} --json=short`);
    assertSame([`--root=${fixtureRoot}`, '--json=pretty', ...fixtureUnits], 'fixtures --json=pretty');
  });

  test('300 random units (seeded) combining every graded setting: same --json=short', () => {
    const root = join(fixtureRoot, 'random');
    const unitDir = join(root, 'etc/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    for (const seed of [1, 2, 3]) {
      const units = randomSecurityUnits(seed, 100);
      for (const [name, text] of units) writeFileSync(join(unitDir, name), text);
      assertSame([`--root=${root}`, '--json=short', ...units.keys()], `random units, seed ${seed}`);
      for (const name of units.keys()) rmSync(join(unitDir, name));
    }
  });

  test('the fixtures grade most checks both ways', () => {
    const rows = fixtureUnits.flatMap((u) => JSON.parse(nsbox([`--root=${fixtureRoot}`, '--json=short', u]).stdout) as { json_field: string; set: boolean | null }[]);
    const both = new Set(rows.filter((r) => r.set === true).map((r) => r.json_field));
    const bad = new Set(rows.filter((r) => r.set === false).map((r) => r.json_field));
    const gradedBothWays = [...both].filter((f) => bad.has(f));
    assert.ok(gradedBothWays.length >= 75, `only ${gradedBothWays.length} of 81 checks seen both good and bad`);
  });

  test('a unit given by path inside --root, a template, an alias, and a missing unit', () => {
    assertSame([`--root=${fixtureRoot}`, '/etc/systemd/system/nobody-mixed.service'], 'path operand');
    assertSame([`--root=${fixtureRoot}`, 'templated@.service', 'alias-of-static.service'], 'template and alias');
    const missing = assertSame([`--root=${fixtureRoot}`, 'no-such.service', 'early-boot.service'], 'missing unit');
    assert.equal(missing.status, 1);
    assert.equal(nsbox([`--root=${fixtureRoot}`, 'no-such.service']).stderr, 'Unit no-such.service not found.\n');
  });

  test('--threshold: exit 1 only when the exposure is above it', () => {
    // dbus.service scores 9.6 in the Debian tree.
    for (const threshold of ['95', '96', '100']) {
      const r = assertSame([`--root=${debian}`, `--threshold=${threshold}`, 'dbus.service'], `--threshold=${threshold}`);
      assert.equal(r.status, threshold === '95' ? 1 : 0);
    }
  });

  test('--security-policy: weights, ranges and descriptions overridden per check', () => {
    const policy = join(fixtureRoot, 'policy.json');
    writeFileSync(policy, JSON.stringify({
      PrivateNetwork: { weight: 0 }, UMask: { range: 20, description_good: 'private files' },
      KeyringMode: { description_bad: 'keys shared' }, ProtectHome: { weight: 3000 }, Delegate: { weight: 'x' },
    }));
    assertSame([`--root=${fixtureRoot}`, `--security-policy=${policy}`, '--json=short', ...fixtureUnits], '--security-policy');
    assertSame([`--root=${fixtureRoot}`, `--security-policy=${policy}`, 'nobody-mixed.service'], '--security-policy table');
  });

  test('--profile: a portable profile applied as an extra drop-in', () => {
    // By path: systemd-analyze 252.39 sometimes garbles a profile given by name (it reads freed
    // memory), so the name form is checked against the path form of nsbox itself.
    const profileDir = '/usr/lib/systemd/portable/profile';
    for (const profile of readdirSync(profileDir)) {
      const path = `${profileDir}/${profile}/service.conf`;
      const byPath = assertSame([`--root=${fixtureRoot}`, `--profile=${path}`, '--json=short', 'nobody-mixed.service', 'static-user.service'], `--profile=${path}`);
      assert.equal(nsbox([`--root=${fixtureRoot}`, `--profile=${profile}`, '--json=short', 'nobody-mixed.service', 'static-user.service']).stdout, byPath.stdout);
    }
    const strict = assertSame([`--root=${debian}`, `--profile=${profileDir}/strict/service.conf`, 'dbus.service'], 'strict profile on the Debian tree');
    assert.deepEqual(overall(strict.stdout), ['dbus.service: 1.0 OK']);
  });

  test('--explain: each setting\'s score is the one systemd-analyze gives the unit with that setting', () => {
    const r = nsbox([`--root=${fixtureRoot}`, '--explain', 'nobody-mixed.service']);
    assert.equal(r.status, 0);
    const lines = [...r.stdout.matchAll(/^ {2}(\S+) +(\S.*?) +-> (\d+\.\d) (\w+)$/gm)];
    assert.ok(lines.length > 30, `only ${lines.length} explained rows`);
    const dropIn = join(fixtureRoot, 'etc/systemd/system/nobody-mixed.service.d/zz-explain.conf');
    mkdirSync(dirname(dropIn), { recursive: true });
    try {
      for (const m of [lines[0]!, lines[Math.floor(lines.length / 2)]!, lines[lines.length - 1]!]) {
        writeFileSync(dropIn, `[Service]\n${m[2]!.split('; ').join('\n')}\n`);
        const check = assertSame([`--root=${fixtureRoot}`, 'nobody-mixed.service'], `explained ${m[2]}`);
        assert.deepEqual(overall(check.stdout), [`nobody-mixed.service: ${m[3]} ${m[4]}`], m[2]);
      }
    } finally {
      rmSync(dirname(dropIn), { recursive: true, force: true });
    }
  });

  test('--suggest keeps the paths a command needs, writes only with --write, and scores as systemd-analyze does', () => {
    const dropIn = join(fixtureRoot, 'etc/systemd/system/needs-home.service.d/nsbox-security.conf');
    try {
      const shown = nsbox([`--root=${fixtureRoot}`, '--suggest', 'needs-home.service']);
      assert.equal(shown.status, 0);
      assert.equal(existsSync(dropIn), false, 'written without --write');
      // ProtectHome=yes would hide the file the command reads; the read-only form keeps it.
      assert.match(shown.stdout, /^# Left out: ProtectHome=yes \(\/home\/app\/data would be hidden from ExecStart\); ProtectHome=read-only instead$/m);
      assert.match(shown.stdout, /^ProtectSystem=strict$/m);
      const [, before, after] = /exposure (\d+\.\d \w+) -> (\d+\.\d \w+)\./.exec(shown.stdout) ?? [];
      assert.ok(before && after && parseFloat(after) < parseFloat(before), shown.stdout);
      const written = nsbox([`--root=${fixtureRoot}`, '--suggest', '--write', 'needs-home.service']);
      assert.equal(written.status, 0, written.stderr);
      assert.match(readFileSync(dropIn, 'utf8'), /^ProtectHome=read-only$/m);
      // The drop-in as installed gives systemd-analyze the score --suggest announced.
      const check = assertSame([`--root=${fixtureRoot}`, 'needs-home.service'], 'after --suggest --write');
      assert.deepEqual(overall(check.stdout), [`needs-home.service: ${after}`]);
      // An existing drop-in is never overwritten.
      assert.equal(nsbox([`--root=${fixtureRoot}`, '--suggest', '--write', 'needs-home.service']).status, 1);
    } finally {
      rmSync(dirname(dropIn), { recursive: true, force: true });
    }
  });
});
