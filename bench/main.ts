// `npm run bench`: nsbox side by side with bwrap, unshare and systemd-nspawn, in one run.
// Prints a table of medians, p90s and ratios vs nsbox; `-- --json` prints only a JSON array.
import { parseArgs } from './args.js';
import { select } from './select.js';
import { CASES, caseLabel } from './cases.js';
import { ensureReferences } from './references.js';
import { formatTable, summarize, toJson, type ResultRow } from './report.js';
import { bwrapRunner, floorRunner, nsboxRunner, nspawnRunner, unshareRunner, type Runner } from './runners.js';
import { CGROUP_PREFIX, Slots } from './slots.js';
import { assertNoLeaks, takeSnapshot } from '../test/fixtures/cleanup.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// Every tool any case knows, so --only can name a tool that only one case runs.
const RUNNERS: readonly Runner[] = [nsboxRunner('reaper'), nsboxRunner('payload-is-pid1'), bwrapRunner, unshareRunner, nspawnRunner, floorRunner];

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
  const selection = select(settings.only, CASES, RUNNERS.map((r) => r.tool));
  const tools = RUNNERS.filter((r) => selection.tool(r.tool));
  const cases = CASES.filter((c) => selection.cases.includes(c.name));
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
      log(label);
      if (c.perSandbox) perSandbox.add(label);
      rows.push(...summarize(label, await c.measure({ runners: tools, slots, settings, log, selected: selection.tool })));
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
