// `npm run bench`: nsbox side by side with bwrap, unshare and systemd-nspawn, in one run.
// Prints a table of medians, p90s and ratios vs nsbox; `-- --json` prints only a JSON array.
import { parseArgs, type BenchSettings } from './args.js';
import { CASES, caseLabel } from './cases.js';
import { ensureReferences } from './references.js';
import { formatTable, summarize, toJson, type ResultRow } from './report.js';
import { bwrapRunner, nsboxRunner, nspawnRunner, unshareRunner, type Runner } from './runners.js';
import { CGROUP_PREFIX, Slots } from './slots.js';
import { assertNoLeaks, takeSnapshot } from '../test/fixtures/cleanup.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function runners(settings: BenchSettings): Runner[] {
  const all = [nsboxRunner('reaper'), nsboxRunner('payload-is-pid1'), bwrapRunner, unshareRunner, nspawnRunner];
  return all.filter((r) => selected(settings, r.tool));
}

function selected(settings: BenchSettings, name: string): boolean {
  return settings.only.length === 0 || settings.only.some((o) => name.includes(o));
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if ('error' in parsed) {
    log(parsed.error);
    return 2;
  }
  const settings = parsed;
  if (process.getuid?.() !== 0) {
    log('bench: needs root (namespaces, mounts, cgroups)');
    return 1;
  }
  ensureReferences(log);
  const tools = runners(settings);
  // --only may name a case or a tool; a name matching neither case runs every case.
  const caseMatches = CASES.filter((c) => selected(settings, c.name));
  const cases = caseMatches.length > 0 ? caseMatches : CASES;
  const slots = new Slots(Math.max(...cases.map((c) => c.slotsNeeded(settings))));
  const onSignal = (): void => {
    slots.dispose();
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const rows: ResultRow[] = [];
  const perSandbox = new Set<string>();
  // Only what the bench owns: other people's mounts and processes on a shared machine are not ours.
  const trees = slots.slots.map((s) => s.tree);
  const before = takeSnapshot({ paths: trees, mountsUnder: trees, cgroupPrefix: CGROUP_PREFIX });
  let leaked = false;
  try {
    for (const c of cases) {
      const label = caseLabel(c, settings);
      log(`${label}: ${tools.map((t) => t.tool).join(', ')}`);
      if (c.perSandbox) perSandbox.add(label);
      rows.push(...summarize(label, await c.measure({ runners: tools, slots, settings, log })));
    }
    await assertNoLeaks(before).catch((err: Error) => {
      leaked = true;
      log(`bench: a tool ${err.message}`);
    });
  } finally {
    slots.dispose();
  }
  process.stdout.write(settings.json ? `${toJson(rows)}\n` : `\n${formatTable(rows, perSandbox)}\n`);
  return leaked || rows.some((r) => r.error !== undefined) ? 1 : 0;
}

process.exitCode = await main();
