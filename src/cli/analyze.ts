// `nsbox analyze verify FILE...` and `nsbox analyze plan UNIT`: check unit files as
// systemd-analyze verify does, and show what each command of a service would see and run as.
// Exit codes: 0 fine; 1 a unit cannot load, a command cannot start, or verify found problems;
// 2 usage errors. Errors are one line each, never a stack trace.
import { isSystemError } from './system-error.js';
import { explainPlan, formatDiagnostic, NsboxError } from '../index.js';
import { planUnit, type PlannedCommand, type UnitPlans } from '../service/index.js';
import { analyzeVerify } from './analyze-verify.js';
import { analyzeSecurity, SecurityUsageError } from './analyze-security.js';

export interface AnalyzeOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

const USAGE = `usage: nsbox analyze verify [--root=DIR] FILE...
       nsbox analyze plan [--root=DIR] UNIT|PATH
       nsbox analyze security --offline=yes [--root=DIR] [--profile=NAME|PATH] [--threshold=N]
                              [--json=short|pretty] [--security-policy=FILE]
                              [--explain] [--suggest [--write[=PATH]]] UNIT|PATH...

  verify   load unit files and report what systemd-analyze verify would
  plan     print, for every Exec*= command of a service, the file system it will see
           (read-only, read-write, inaccessible, tmpfs, bind from where) and how it runs
  security the exposure score of services as systemd-analyze security (systemd 252) gives it;
           --explain names the setting that fixes each bad row and the score it would give,
           --suggest prints a drop-in that keeps the service's plan valid (--write installs it)
`;

class UsageError extends Error {}

interface Parsed { readonly root?: string; readonly operands: readonly string[] }

function parseArgs(args: readonly string[]): Parsed {
  let root: string | undefined;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--root') {
      root = args[++i];
      if (root === undefined) throw new UsageError('--root needs a directory');
    } else if (a.startsWith('--root=')) root = a.slice('--root='.length);
    else if (a === '--') operands.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else operands.push(a);
  }
  if (root === '') throw new UsageError('--root needs a directory');
  return { ...(root !== undefined ? { root } : {}), operands };
}

const header = (c: PlannedCommand): string =>
  `${c.command.kind}: ${c.command.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`;

const indent = (text: string): string => text.split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');

/** The whole report: unit diagnostics (file:line) first, then one section per command. */
export function formatUnitPlans(plans: UnitPlans): string {
  const { unit } = plans;
  const out: string[] = [`${unit.name}: ${unit.fragmentPath ?? '(no fragment)'}`];
  for (const d of unit.dropInPaths) out.push(`  drop-in: ${d}`);
  const where = unit.fragmentPath ?? unit.name;
  const unitDiagnostics = [
    ...unit.diagnostics.map(formatDiagnostic),
    ...plans.unenforced.map((d) => `${d.at ? `${d.at.file}:${d.at.line}` : where}: ${d.setting}: ${d.level}: ${d.message}`),
  ];
  if (unitDiagnostics.length > 0) out.push('', ...unitDiagnostics);
  if (plans.commands.length === 0) out.push('', 'No commands to plan.');
  for (const c of plans.commands) {
    out.push('', header(c));
    for (const d of c.diagnostics) out.push(`  ${where}: ${d.setting}: ${d.level}: ${d.message}`);
    if (c.ignoreFailure) out.push('  (a failure of this command is ignored: "-" prefix)');
    if (c.error) out.push(`  cannot start: ${c.error.message} (${c.error.status})`);
    if (c.plan) out.push(indent(explainPlan(c.plan)).trimEnd());
  }
  return `${out.join('\n')}\n`;
}

async function plan(args: Parsed, out: AnalyzeOutput): Promise<number> {
  if (args.operands.length !== 1) throw new UsageError('plan takes exactly one unit name or path');
  const unitPath = process.env['SYSTEMD_UNIT_PATH'];
  const plans = await planUnit(args.operands[0] as string, {
    ...(args.root !== undefined ? { root: args.root } : {}), ...(unitPath !== undefined ? { unitPath } : {}),
  });
  out.stdout(formatUnitPlans(plans));
  return plans.commands.some((c) => c.error !== undefined) ? 1 : 0;
}

async function verify(args: Parsed, out: AnalyzeOutput): Promise<number> {
  if (args.operands.length === 0) throw new UsageError('verify needs at least one unit file');
  const result = await analyzeVerify([...args.operands], args.root !== undefined ? { root: args.root } : {});
  // systemd-analyze verify logs its findings, i.e. to stderr.
  if (result.output !== '') out.stderr(result.output);
  return result.exitCode;
}

export async function analyzeMain(argv: string[], out: AnalyzeOutput): Promise<number> {
  const [verb, ...rest] = argv;
  try {
    if (verb === undefined || verb === '-h' || verb === '--help') {
      (verb === undefined ? out.stderr : out.stdout)(USAGE);
      return verb === undefined ? 2 : 0;
    }
    if (verb === 'security') return await analyzeSecurity(rest, out);
    const args = parseArgs(rest);
    if (verb === 'plan') return await plan(args, out);
    if (verb === 'verify') return await verify(args, out);
    throw new UsageError(`unknown command "${verb}"`);
  } catch (e) {
    if (e instanceof UsageError || e instanceof SecurityUsageError) {
      out.stderr(`nsbox analyze: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof NsboxError || isSystemError(e)) {
      out.stderr(`nsbox analyze: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** The verb table's entry point: process stdio. */
export const main = (args: readonly string[]): Promise<number> =>
  analyzeMain([...args], { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
