// Command-line settings of `npm run bench`. Pure: argv in, settings or an error message out.

export interface BenchSettings {
  /** Print only the JSON array (for other tools), all progress goes to stderr. */
  readonly json: boolean;
  /** Sequential iterations per tool. */
  readonly iterations: number;
  /** Sandboxes per throughput batch. */
  readonly batch: number;
  /** Sandboxes in flight at once in a throughput batch. */
  readonly concurrency: number;
  /** Throughput batches per tool (each gives one sample). */
  readonly batches: number;
  /** Warm-up runs per tool, discarded (page cache, first-exec costs). */
  readonly warmup: number;
  /** Sequential runs per tool in the CLI case (each starts Node: slower, so fewer). */
  readonly cliIterations: number;
  /** Boots per tool in the boot case. */
  readonly boots: number;
  /** Services of each kind in the manager case (issue 10: 500; 5000 for the scale run). */
  readonly services: number;
  /** Round trips per kind in the manager case (CLI runs are a tenth of it, at least 5). */
  readonly roundTrips: number;
  /** Only cases/tools whose name contains one of these. */
  readonly only: readonly string[];
}

export const DEFAULTS: BenchSettings = { json: false, iterations: 150, batch: 100, concurrency: 8, batches: 3, warmup: 5, cliIterations: 30, boots: 10, services: 500, roundTrips: 200, only: [] };
export const QUICK: Partial<BenchSettings> = { iterations: 30, batch: 40, batches: 2, warmup: 2, cliIterations: 10, boots: 3, services: 50, roundTrips: 50 };

export const USAGE = `usage: npm run bench -- [--json] [--quick] [--iterations N] [--batch N] [--concurrency K]
                           [--batches N] [--warmup N] [--cli-iterations N] [--boots N]
                           [--services N] [--round-trips N] [--only NAME]...
--only NAME runs only cases and tools whose name contains NAME; off-by-default cases
(boot, manager) run only when named.`;

const NUMERIC = { '--iterations': 'iterations', '--batch': 'batch', '--concurrency': 'concurrency', '--batches': 'batches', '--warmup': 'warmup', '--boots': 'boots', '--cli-iterations': 'cliIterations', '--services': 'services', '--round-trips': 'roundTrips' } as const;

export function parseArgs(argv: readonly string[]): BenchSettings | { error: string } {
  let settings: BenchSettings = DEFAULTS;
  // --quick first, so an explicit --iterations wins regardless of order.
  if (argv.includes('--quick')) settings = { ...settings, ...QUICK };
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') continue;
    if (arg === '--json') settings = { ...settings, json: true };
    else if (arg === '--only') {
      const value = argv[++i];
      if (value === undefined) return { error: '--only needs a name' };
      only.push(value);
    } else if (arg in NUMERIC) {
      const value = Number(argv[++i]);
      const min = arg === '--warmup' ? 0 : 1;
      if (!Number.isInteger(value) || value < min) return { error: `${arg} needs an integer >= ${min}` };
      settings = { ...settings, [NUMERIC[arg as keyof typeof NUMERIC]]: value };
    } else return { error: `unknown argument ${arg}\n${USAGE}` };
  }
  return { ...settings, only };
}
