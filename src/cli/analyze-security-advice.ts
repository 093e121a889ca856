// --explain and --suggest for `nsbox analyze security`. Every score shown is computed: the unit's
// own files are parsed again with the candidate settings as one more drop-in. --suggest keeps a
// setting only if every command still plans (as `analyze plan` sees it) and no path a command
// needs becomes hidden, nor a path it writes read-only.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathAccess } from '../plan/explain.js';
import { planLoadedUnit, type UnitPlans } from '../service/index.js';
import { lexUnitFile } from '../unit/lexer.js';
import { readHostFacts, type LoadedUnit } from '../unit/index.js';
import { parseUnitName } from '../unit/unit-name.js';
import type { SyscallResolves } from '../security-score/info.js';
import type { SecurityPolicy } from '../security-score/policy.js';
import { formatTenths, type ScoredCheck, type SecurityScore } from '../security-score/score.js';
import { dropInText, scoreWith, settingsWith, type UnitSource } from '../security-score/what-if.js';
import type { SecurityArgs } from './analyze-security-args.js';

export async function unitSource(unit: LoadedUnit, root: string | undefined): Promise<UnitSource> {
  const paths = [unit.fragmentPath!, ...unit.dropInPaths];
  const files = await Promise.all(paths.map(async (p) => lexUnitFile(await readFile(p, 'utf8'), p)));
  return { name: unit.name, type: parseUnitName(unit.name)!.type, fragmentPath: unit.fragmentPath!, files, host: await readHostFacts(root) };
}

const sectionOf = (source: UnitSource): string => `${source.type.charAt(0).toUpperCase()}${source.type.slice(1)}`;

interface Candidate { readonly row: ScoredCheck; readonly lines: readonly string[]; readonly alone: SecurityScore }

/** Each bad row that a setting can fix, with the score that setting alone would give. */
function candidates(source: UnitSource, score: SecurityScore, resolves: SyscallResolves, policy: SecurityPolicy | undefined): Candidate[] {
  return score.rows
    .filter((row) => row.badness !== 'n/a' && row.badness > 0 && row.check.fix !== undefined)
    .map((row) => ({ row, lines: row.check.fix!, alone: scoreWith(source, resolves, policy, dropInText(sectionOf(source), row.check.fix!)) }))
    .sort((a, b) => a.alone.exposure - b.alone.exposure || (a.row.check.id < b.row.check.id ? -1 : 1));
}

const level = (s: SecurityScore): string => `${formatTenths(s.exposure)} ${s.level}`;

export async function explainSecurity(unit: LoadedUnit, score: SecurityScore, resolves: SyscallResolves, policy: SecurityPolicy | undefined, args: SecurityArgs): Promise<string> {
  const source = await unitSource(unit, args.root);
  const found = candidates(source, score, resolves, policy);
  const out = ['', `Settings that would lower ${unit.name}'s exposure (now ${level(score)}), each applied alone:`];
  const rows = found.map((c) => [c.row.check.id, c.lines.join('; '), level(c.alone)]);
  const width = (i: number): number => Math.max(0, ...rows.map((r) => [...r[i]!].length));
  for (const r of rows) out.push(`  ${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  -> ${r[2]}`);
  const unfixable = score.rows.filter((r) => r.badness !== 'n/a' && r.badness > 0 && r.check.fix === undefined);
  for (const r of unfixable) out.push(`  ${r.check.id}: no single setting fixes this (${r.description ?? 'see systemd.exec(5)'})`);
  if (found.length === 0 && unfixable.length === 0) out.push('  none: every applicable check is already good');
  return `${out.join('\n')}\n`;
}

// Settings that change who the service runs as: whether files stay readable is not a matter of
// paths, so --suggest never proposes them.
const IDENTITY = new Set(['UserOrDynamicUser', 'SupplementaryGroups']);

/** Paths a command needs to see (its program, absolute arguments, working directory), and to write. */
function neededPaths(unit: LoadedUnit, argv: readonly string[], executable: string): { see: string[]; write: string[] } {
  const exec = unit.settings.exec;
  const wd = exec.workingDirectory?.kind === 'path' ? [exec.workingDirectory.path] : [];
  // ReadWritePaths= says what the service writes; nothing else does, so only those must stay writable.
  const writes = exec.readWritePaths.filter((p) => !p.ignoreMissing).map((p) => p.path);
  return { see: [executable, ...argv.filter((a) => a.startsWith('/')), ...wd, ...writes], write: writes };
}

/** Why `after` breaks what `before` allowed, or undefined when every command stays as usable. */
function breakage(unit: LoadedUnit, before: UnitPlans, after: UnitPlans): string | undefined {
  for (const [i, b] of before.commands.entries()) {
    const a = after.commands[i];
    if (!b.plan) continue;
    if (!a?.plan) return `${b.command.kind} could no longer start: ${a?.error?.message ?? 'no plan'}`;
    const { see, write } = neededPaths(unit, b.command.argv, b.command.path);
    for (const path of see) {
      const was = pathAccess(b.plan, path);
      const is = pathAccess(a.plan, path);
      if (!was.hidden && is.hidden) return `${path} would be hidden from ${b.command.kind}`;
      if (write.includes(path) && !was.readOnly && is.readOnly) return `${path} would become read-only for ${b.command.kind}`;
    }
  }
  return undefined;
}

export async function suggestSecurity(unit: LoadedUnit, score: SecurityScore, resolves: SyscallResolves, policy: SecurityPolicy | undefined, args: SecurityArgs): Promise<string> {
  if (!unit.name.endsWith('.service')) return `\n# --suggest: ${unit.name} is not a service; nothing to plan.\n`;
  const source = await unitSource(unit, args.root);
  const planOpts = args.root !== undefined ? { root: args.root } : {};
  const planWith = (lines: readonly string[]): Promise<UnitPlans> =>
    planLoadedUnit({ ...unit, settings: settingsWith(source, dropInText('Service', lines)) }, planOpts);
  const before = await planLoadedUnit(unit, planOpts);
  const accepted: string[] = [];
  const skipped: string[] = [];
  let current = score;
  for (const c of candidates(source, score, resolves, policy)) {
    if (IDENTITY.has(c.row.check.jsonField)) {
      skipped.push(`${c.lines.join('; ')} (changes the identity the service runs as)`);
      continue;
    }
    // The fixing setting first, then weaker ones that may leave the paths alone.
    let firstBreak: string | undefined;
    let taken: readonly string[] | undefined;
    for (const option of [c.lines, ...(c.row.check.fallbacks ?? [])]) {
      const lines = [...accepted, ...option];
      const next = scoreWith(source, resolves, policy, dropInText('Service', lines));
      if (next.exposure >= current.exposure) continue;
      const broken = breakage(unit, before, await planWith(lines));
      if (broken) {
        firstBreak ??= broken;
        continue;
      }
      accepted.push(...option);
      current = next;
      taken = option;
      break;
    }
    if (firstBreak !== undefined) skipped.push(`${c.lines.join('; ')} (${firstBreak})${taken ? `; ${taken.join('; ')} instead` : ''}`);
  }
  const text = [
    `# Suggested by nsbox analyze security for ${unit.name}: exposure ${level(score)} -> ${level(current)}.`,
    '# Every command still plans, no path a command needs is hidden, none it writes turns read-only (analyze plan).',
    '# That is all nsbox checks: run the service with it before relying on it.',
    ...skipped.map((s) => `# Left out: ${s}`),
    dropInText('Service', accepted).trimEnd(),
  ].join('\n');
  let written = '';
  if (args.write !== undefined) {
    const target = args.write === true ? join(args.root ?? '/', 'etc/systemd/system', `${unit.name}.d`, 'nsbox-security.conf') : args.write;
    await mkdir(dirname(target), { recursive: true });
    // wx: never overwrite a drop-in someone may have edited.
    await writeFile(target, `${text}\n`, { flag: 'wx' });
    written = `# Written to ${target}\n`;
  }
  return `\n${text}\n${written}`;
}
