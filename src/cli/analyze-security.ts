// `nsbox analyze security [UNIT|PATH...]`: systemd-analyze security's exposure score, for units
// read from disk (--offline=yes) the way systemd 252 loads them, plus --explain and --suggest.
// This is the edge: it reads unit files, the policy and profile files, and asks libseccomp which
// system calls exist here; the grading itself is pure (src/security-score/).
import { SecurityInputError } from '../security-score/errors.js';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createLoadCache, formatDiagnostic, parseBoolean, loadUnit, loadUnitFile, parseUnitName, readHostFacts, type LoadCache, type LoadedUnit, type LoadOptions } from '../unit/index.js';
import type { UnitHostFacts } from '../unit/specifiers.js';
import { isTemplate } from '../unit/unit-name.js';
import { asReadFromManager, securityInfo, type SyscallResolves } from '../security-score/info.js';
import { formatOverviewTable, overviewUnits } from '../security-score/overview.js';
import { ManagerClient } from '../manager/client.js';
import { ManagerConnectionError } from '../manager/errors.js';
import { scoreSecurity, type SecurityScore } from '../security-score/score.js';
import { policyFromJson, type SecurityPolicy } from '../security-score/policy.js';
import { formatSecurityJson, formatSecurityTable, type Glyphs } from '../security-score/format.js';
import { libseccomp } from '../seccomp/libseccomp.js';
import { parseSecurityArgs, SecurityUsageError, type SecurityArgs } from './analyze-security-args.js';
import { explainSecurity, suggestSecurity } from './analyze-security-advice.js';

export interface SecurityOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** libseccomp's view of which call names exist on this architecture, asked once per name. */
export function hostSyscallResolver(): SyscallResolves {
  const known = new Map<string, boolean>();
  let resolveName: ((name: string) => number) | undefined;
  try {
    resolveName = libseccomp().resolveName;
  } catch {
    // Without libseccomp every listed call counts; only the offender named in a row can differ.
  }
  return (name) => {
    let hit = known.get(name);
    if (hit === undefined) known.set(name, (hit = resolveName ? resolveName(name) >= 0 : true));
    return hit;
  };
}

function envBoolean(value: string | undefined): boolean | undefined {
  try {
    return value === undefined ? undefined : parseBoolean(value);
  } catch {
    return undefined;
  }
}

/**
 * systemd's is_locale_utf8() and emoji_enabled(): a UTF-8 locale, or no locale set at all (an
 * explicit C or POSIX is ASCII); emoji also need a TERM that is set and neither dumb nor linux.
 */
export function hostGlyphs(env: NodeJS.ProcessEnv): Glyphs {
  const locale = [env['LC_ALL'], env['LC_CTYPE'], env['LANG']].find((v) => v !== undefined && v !== '');
  const utf8 = envBoolean(env['SYSTEMD_UTF8']) ?? (locale === undefined || /\.utf-?8(@|$)/i.test(locale));
  const term = env['TERM'];
  const emoji = envBoolean(env['SYSTEMD_EMOJI']) ?? (utf8 && term !== undefined && term !== 'dumb' && term !== 'linux');
  return { utf8, emoji };
}

// CONF_PATHS("systemd"): where systemd-analyze looks for a default policy and portable profiles.
const CONF_DIRS = ['/etc/systemd', '/run/systemd', '/usr/local/lib/systemd', '/usr/lib/systemd'];

async function readFirst(paths: readonly string[]): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

async function loadPolicy(file: string | undefined): Promise<SecurityPolicy | undefined> {
  const found = file !== undefined
    ? { path: file, text: await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => { throw new SecurityInputError(file, e.message); }) }
    : await readFirst(CONF_DIRS.map((d) => `${d}/systemd-analyze-security.policy`));
  if (!found) return undefined;
  try {
    return policyFromJson(JSON.parse(found.text));
  } catch (e) {
    throw new SecurityInputError(found.path, `Failed to parse JSON policy: ${(e as Error).message}`);
  }
}

/** find_portable_profile(): NAME/service.conf in the profile directories, or a path as given. */
async function profilePath(profile: string, unitName: string): Promise<string> {
  if (profile.includes('/')) return profile;
  const type = unitName.slice(unitName.lastIndexOf('.') + 1);
  const found = await readFirst(CONF_DIRS.map((d) => `${d}/portable/profile/${profile}/${type}.conf`));
  if (!found) throw new SecurityInputError(profile, `Failed to find portable profile ${profile}`);
  return found.path;
}

/** The operand as systemd-analyze loads it: a path is read inside --root; a template gets instance "i". */
interface Batch { readonly cache: LoadCache; readonly host: UnitHostFacts }

async function loadOperand(operand: string, args: SecurityArgs, batch: Batch): Promise<LoadedUnit> {
  const isPath = operand.includes('/');
  let name = basename(operand);
  const parsed = parseUnitName(name);
  if (parsed && isTemplate(parsed)) name = name.replace('@.', '@i.');
  const extraDropIns = args.profile !== undefined ? [{ name: 'profile.conf', path: await profilePath(args.profile, name) }] : [];
  const opts: LoadOptions = { ...(args.root !== undefined ? { root: args.root } : {}), extraDropIns, cache: batch.cache, host: batch.host };
  if (!isPath) return loadUnit(name, opts);
  const file = args.root !== undefined ? join(args.root, resolve(operand)) : resolve(operand);
  return loadUnitFile(join(file, '..', name), opts);
}

const LOAD_FAILURES: Readonly<Record<string, (name: string) => string>> = {
  'not-found': (n) => `Unit ${n} not found.`,
  masked: (n) => `Unit ${n} is masked.`,
  'bad-setting': (n) => `Unit ${n} has a bad unit file setting.`,
  'invalid-name': (n) => `Failed to prepare filename ${n}: Invalid argument`,
};

/** Loads and scores each operand; units that do not load are reported on stderr and skipped. */
export async function scoreOperands(args: SecurityArgs, out: SecurityOutput, resolves: SyscallResolves, policy: SecurityPolicy | undefined) {
  const scored: { unit: LoadedUnit; score: SecurityScore }[] = [];
  let failed = false;
  const batch: Batch = { cache: createLoadCache(), host: await readHostFacts(args.root) };
  for (const operand of args.operands) {
    const unit = await loadOperand(operand, args, batch);
    for (const d of unit.diagnostics) out.stderr(`${formatDiagnostic(d)}\n`);
    const failure = LOAD_FAILURES[unit.loadState];
    if (failure) {
      out.stderr(`${failure(unit.name)}\n`);
      failed = true;
      continue;
    }
    scored.push({ unit, score: scoreSecurity(securityInfo(unit, resolves), resolves, policy) });
  }
  return { scored, failed };
}

export async function analyzeSecurity(argv: readonly string[], out: SecurityOutput): Promise<number> {
  const args = parseSecurityArgs(argv);
  if (!args.offline) {
    if (args.operands.length === 0) return onlineTable(out);
    out.stderr('nsbox analyze security: scoring named units from the running manager is not supported yet; use --offline=yes to read them from disk\n');
    return 1;
  }
  const resolves = hostSyscallResolver();
  const policy = await loadPolicy(args.securityPolicy);
  const { scored, failed } = await scoreOperands(args, out, resolves, policy);
  let aboveThreshold = false;
  for (const { unit, score } of scored) {
    if (args.json !== 'off') out.stdout(formatSecurityJson(score, args.json));
    else out.stdout(formatSecurityTable(score, hostGlyphs(process.env)));
    if (args.explain) out.stdout(await explainSecurity(unit, score, resolves, policy, args));
    if (args.suggest) out.stdout(await suggestSecurity(unit, score, resolves, policy, args));
    if (score.exposure > args.threshold) aboveThreshold = true;
  }
  return failed || aboveThreshold ? 1 : 0;
}

/**
 * With no unit named and no --offline: every service nsbox's manager has loaded, as systemd 252's
 * table. Each unit is read again from where the manager found it and scored as the manager reports
 * it (asReadFromManager).
 */
async function onlineTable(out: SecurityOutput): Promise<number> {
  let listed;
  try {
    listed = await new ManagerClient().list();
  } catch (err) {
    if (!(err instanceof ManagerConnectionError)) throw err;
    out.stderr('nsbox analyze security: no nsbox service manager is running; use --offline=yes to read units from disk\n');
    return 1;
  }
  const resolves = hostSyscallResolver();
  const cache = createLoadCache();
  const host = await readHostFacts();
  const scores: SecurityScore[] = [];
  for (const id of overviewUnits(listed)) {
    const fragment = listed.find((u) => u.id === id)?.fragmentPath;
    const unit = await loadUnit(id, { cache, host, ...(fragment !== undefined ? { extraSearchPath: [dirname(fragment)] } : {}) });
    if (unit.loadState !== 'loaded') continue;
    scores.push(scoreSecurity(asReadFromManager(securityInfo(unit, resolves)), resolves));
  }
  out.stdout(formatOverviewTable(scores, hostGlyphs(process.env)));
  return 0;
}

export { SecurityUsageError };
