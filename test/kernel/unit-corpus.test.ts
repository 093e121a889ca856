// Every unit file Debian's systemd packages ship loads without errors, and for the units systemd
// itself loads offline (`systemd --test --system`, run as nobody: the manager's own dump, no PID 1
// needed) the values nsbox parses equal the values systemd reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadUnit, readHostFacts, type LoadedUnit } from '../../src/unit/index.js';
import { effectiveServiceType } from '../../src/unit/settings.js';
import { formatTimeSpan } from '../../src/unit/values.js';
import { capabilityName } from '../../src/plan/capabilities.js';
import type { ExecCommand } from '../../src/unit/exec-command.js';

const isRoot = process.getuid?.() === 0;
const SYSTEMD = '/lib/systemd/systemd';
const UNIT_DIRS = ['/lib/systemd/system', '/usr/lib/systemd/system'];
const UNIT_FILE = /\.(service|socket|target|mount|automount|swap|timer|path|slice|scope)$/;
const fixtures = fileURLToPath(new URL('../../../test/fixtures/units/reference', import.meta.url));

function ensurePackages(): void {
  const missing = ['systemd', 'systemd-container'].filter(
    (p) => !spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout.includes('install ok installed'),
  );
  if (missing.length === 0) return;
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Unit name -> list of `Key: value` lines (ExecX commands as `ExecStart: <command line>`). */
type Dump = Map<string, { key: string; value: string }[]>;

function systemdDump(unit: string, unitPath?: string): Dump {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', SYSTEMD, '--test', '--system', `--unit=${unit}`, '--no-pager'], {
    encoding: 'utf8', cwd: '/', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...(unitPath ? { SYSTEMD_UNIT_PATH: unitPath } : {}) },
  });
  const dump: Dump = new Map();
  let current: { key: string; value: string }[] | undefined;
  let exec: string | undefined;
  for (const line of r.stdout.split('\n')) {
    const unitHeader = /^\t-> Unit (.+):$/.exec(line);
    if (unitHeader) {
      current = [];
      dump.set(unitHeader[1]!, current);
      exec = undefined;
      continue;
    }
    const execHeader = /^\t\t-> (Exec\w+):$/.exec(line);
    if (execHeader) exec = execHeader[1];
    else if (exec && line.startsWith('\t\t\tCommand Line: ')) current?.push({ key: exec, value: line.slice(17) });
    else if (/^\t\t[^\t]/.test(line)) {
      exec = undefined;
      const m = /^\t\t([^:]+): ?(.*)$/.exec(line);
      if (m) current?.push({ key: m[1]!, value: m[2]! });
    }
  }
  return dump;
}

/** systemd's quoting of a command line in the dump (quote_command_line()). */
function quoteArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_\-+=.,/:@%^~]+$/.test(arg)) return arg;
  return `"${arg.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}
const commandLine = (c: ExecCommand): string => c.argv.map(quoteArg).join(' ');
const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

/** What nsbox would print for the keys the comparison covers. */
function nsboxView(u: LoadedUnit): Map<string, string[]> {
  const s = u.settings;
  const view = new Map<string, string[]>();
  const put = (key: string, ...values: string[]) => view.set(key, values);
  put('Description', s.unit.description ?? u.name);
  put('Documentation', ...s.unit.documentation);
  put('DropIn Path', ...u.dropInPaths);
  if (UNIT_FILE.exec(u.name)?.[1] !== 'service') return view;
  put('Type', effectiveServiceType(s.service));
  put('Restart', s.service.restart);
  put('RemainAfterExit', yesNo(s.service.remainAfterExit));
  put('KillMode', s.service.killMode);
  put('RestartSec', formatTimeSpan(s.service.restartSec, 1e6));
  put('UMask', s.exec.umask.toString(8).padStart(4, '0'));
  for (const k of ['PrivateTmp', 'PrivateDevices', 'PrivateNetwork', 'ProtectKernelTunables', 'ProtectKernelModules',
    'ProtectControlGroups', 'RestrictRealtime', 'LockPersonality', 'MemoryDenyWriteExecute'] as const) {
    put(k, yesNo(s.exec[(k[0]!.toLowerCase() + k.slice(1)) as 'privateTmp']));
  }
  put('ProtectSystem', s.exec.protectSystem);
  put('ProtectHome', s.exec.protectHome);
  put('Environment', ...s.exec.environment);
  if (s.exec.user) put('User', s.exec.user);
  if (s.exec.group) put('Group', s.exec.group);
  if (s.exec.oomScoreAdjust !== undefined) put('OOMScoreAdjust', String(s.exec.oomScoreAdjust));
  if (s.exec.capabilityBoundingSet) put('CapabilityBoundingSet', s.exec.capabilityBoundingSet.map((n) => capabilityName(n).toLowerCase()).join(' '));
  const paths = (list: readonly { path: string; ignoreMissing: boolean; relativeToRoot: boolean }[]) =>
    list.map((p) => `${p.ignoreMissing ? '-' : ''}${p.relativeToRoot ? '+' : ''}${p.path}`).join(' ');
  if (s.exec.readOnlyPaths.length) put('ReadOnlyPaths', paths(s.exec.readOnlyPaths));
  if (s.exec.readWritePaths.length) put('ReadWritePaths', paths(s.exec.readWritePaths));
  for (const kind of ['ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const) {
    put(kind, ...s.service[(kind[0]!.toLowerCase() + kind.slice(1)) as 'execStart'].map(commandLine));
  }
  return view;
}

function compare(u: LoadedUnit, reported: { key: string; value: string }[]): string[] {
  const problems: string[] = [];
  for (const [key, ours] of nsboxView(u)) {
    let theirs = reported.filter((r) => r.key === key).map((r) => r.value);
    // The dump leaves out the empty defaults of these keys.
    if (theirs.length === 0 && ['ProtectSystem', 'ProtectHome'].includes(key)) theirs = ['no'];
    if (key === 'CapabilityBoundingSet') theirs = theirs.map((v) => v.split(' ').sort().join(' '));
    const oursSorted = key === 'CapabilityBoundingSet' ? ours.map((v) => v.split(' ').sort().join(' ')) : ours;
    if (JSON.stringify(oursSorted) !== JSON.stringify(theirs)) problems.push(`${u.name} ${key}: nsbox ${JSON.stringify(ours)} systemd ${JSON.stringify(theirs)}`);
  }
  return problems;
}

test('every unit file of the systemd packages loads with zero errors', { skip: !isRoot && 'needs root to install packages' }, async () => {
  ensurePackages();
  const host = await readHostFacts();
  let loaded = 0;
  const errors: string[] = [];
  for (const dir of UNIT_DIRS) {
    for (const name of existsSync(dir) ? readdirSync(dir).filter((n) => UNIT_FILE.test(n)) : []) {
      const u = await loadUnit(name, { host });
      loaded++;
      if (u.loadState === 'bad-setting' || u.loadState === 'invalid-name') errors.push(`${name}: ${u.loadState}`);
      for (const d of u.diagnostics) if (d.severity === 'error') errors.push(`${d.file}:${d.line}: ${d.message}`);
    }
  }
  assert.ok(loaded > 100, `only ${loaded} unit files found`);
  assert.deepEqual(errors, []);
});

test('settings of the units systemd loads for multi-user.target equal systemd 252\'s dump', { skip: !isRoot && 'needs root for setpriv' }, async (t) => {
  ensurePackages();
  if (!existsSync(SYSTEMD)) return t.skip('no systemd binary to compare with');
  const dump = systemdDump('multi-user.target');
  if (dump.size === 0) return t.skip('systemd --test produced no dump here');
  const host = await readHostFacts();
  const problems: string[] = [];
  let compared = 0;
  for (const [name, reported] of dump) {
    if (reported.find((r) => r.key === 'Unit Load State')?.value !== 'loaded') continue;
    const fragment = reported.find((r) => r.key === 'Fragment Path')?.value;
    if (!fragment || !UNIT_DIRS.some((d) => fragment.startsWith(`${d}/`))) continue;
    const u = await loadUnit(name, { host });
    if (u.fragmentPath !== fragment) {
      problems.push(`${name}: fragment ${u.fragmentPath} vs ${fragment}`);
      continue;
    }
    problems.push(...compare(u, reported));
    compared++;
  }
  assert.ok(compared >= 10, `only ${compared} units compared`);
  assert.deepEqual(problems, []);
});

test('tricky reference units parse as systemd 252 parses them', { skip: !isRoot && 'needs root for setpriv' }, async (t) => {
  if (!existsSync(SYSTEMD)) return t.skip('no systemd binary to compare with');
  const dir = mkdtempSync(join(tmpdir(), 'nsbox-ref-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(fixtures, dir, { recursive: true, verbatimSymlinks: true });
  chmodSync(dir, 0o755);
  const dump = systemdDump('nsbox-ref.target', `${dir}:`);
  const names = ['ref-syntax.service', 'ref-sandbox.service', 'ref-tmpl@a-b.service', 'ref-real.service'];
  const host = await readHostFacts();
  const problems: string[] = [];
  for (const name of names) {
    const reported = dump.get(name);
    if (!reported) {
      problems.push(`${name}: not in systemd's dump`);
      continue;
    }
    const u = await loadUnit(name, { host, unitPath: `${dir}:` });
    problems.push(...compare(u, reported));
  }
  assert.deepEqual(problems, []);
});

test('SystemCallFilter= groups equal systemd-analyze syscall-filter\'s', { skip: !isRoot && 'needs root to install packages' }, async () => {
  ensurePackages();
  const text = execFileSync('systemd-analyze', ['syscall-filter', '--no-pager'], { encoding: 'utf8' });
  const groups = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/^@[\w-]+$/.test(line)) groups.set(line, (current = []));
    else if (current && /^\s+[@\w]/.test(line)) current.push(line.trim().split(/\s/)[0]!);
  }
  const { SYSCALL_GROUPS } = await import('../../src/seccomp/groups.js');
  assert.ok(groups.size > 20);
  for (const [name, members] of groups) assert.deepEqual([...(SYSCALL_GROUPS[name] ?? [])].sort(), [...members].sort(), name);
});
