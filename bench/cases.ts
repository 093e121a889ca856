// The benchmark cases. A case gets the runners and slots and returns samples per tool; adding a
// case (CLI vs systemd-nspawn, boot + poweroff, supervisor RSS) means adding one entry to CASES.
import type { BenchSettings } from './args.js';
import type { Runner } from './runners.js';
import type { Slots } from './slots.js';

export interface ToolSamples {
  readonly tool: string;
  /** Milliseconds; empty when the tool failed. */
  readonly samplesMs: number[];
  readonly error?: string;
}

export interface CaseContext {
  readonly runners: readonly Runner[];
  readonly slots: Slots;
  readonly settings: BenchSettings;
  /** Progress for humans; goes to stderr so --json stays clean. */
  log(line: string): void;
}

export interface BenchCase {
  readonly name: string;
  /** Samples are milliseconds per sandbox in a batch: the table also shows sandboxes per second. */
  readonly perSandbox: boolean;
  /** How many slots (trees, cgroups) the case needs at most. */
  slotsNeeded(settings: BenchSettings): number;
  measure(ctx: CaseContext): Promise<ToolSamples[]>;
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `fn` per runner, remembering the first failure per tool and skipping that tool after it. */
class Samples {
  private readonly byTool = new Map<string, { samplesMs: number[]; error?: string }>();
  constructor(runners: readonly Runner[]) {
    for (const r of runners) this.byTool.set(r.tool, { samplesMs: [] });
  }
  failed(tool: string): boolean {
    return this.byTool.get(tool)?.error !== undefined;
  }
  async record(tool: string, fn: () => Promise<number | undefined>): Promise<void> {
    const entry = this.byTool.get(tool)!;
    if (entry.error !== undefined) return;
    try {
      const ms = await fn();
      if (ms !== undefined) entry.samplesMs.push(ms);
    } catch (err) {
      entry.error = err instanceof Error ? err.message : String(err);
      entry.samplesMs.length = 0;
    }
  }
  result(): ToolSamples[] {
    return [...this.byTool].map(([tool, e]) => (e.error === undefined ? { tool, samplesMs: e.samplesMs } : { tool, samplesMs: [], error: e.error }));
  }
}

export const sequentialSpawn: BenchCase = {
  name: 'spawn /bin/true',
  perSandbox: false,
  slotsNeeded: () => 1,
  async measure({ runners, slots, settings, log }) {
    const samples = new Samples(runners);
    const slot = slots.slot(0);
    for (const r of runners) {
      for (let i = 0; i < settings.warmup; i++) await samples.record(r.tool, async () => (await r.once(slot), undefined));
    }
    // Round-robin, not tool after tool: a slow drift of the machine (page cache, a neighbour's
    // load) then spreads evenly over all tools instead of landing on whichever ran last.
    for (let i = 0; i < settings.iterations; i++) {
      for (const r of runners) {
        await samples.record(r.tool, async () => {
          const t0 = now();
          await r.once(slot);
          return now() - t0;
        });
      }
      if ((i + 1) % 50 === 0) log(`  ${i + 1}/${settings.iterations}`);
    }
    return samples.result();
  },
};

/** Runs `count` sandboxes with at most `concurrency` in flight; each worker keeps its own slot. */
async function batch(runner: Runner, slots: Slots, count: number, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (w: number): Promise<void> => {
    while (next < count) {
      next++;
      await runner.once(slots.slot(w));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, (_, w) => worker(w)));
}

export const throughput: BenchCase = {
  name: 'throughput',
  perSandbox: true,
  slotsNeeded: (s) => s.concurrency,
  async measure({ runners, slots, settings, log }) {
    const samples = new Samples(runners);
    for (let b = 0; b < settings.batches; b++) {
      for (const r of runners) {
        await samples.record(r.tool, async () => {
          const t0 = now();
          await batch(r, slots, settings.batch, settings.concurrency);
          return (now() - t0) / settings.batch;
        });
      }
      log(`  batch ${b + 1}/${settings.batches}`);
    }
    return samples.result();
  },
};

export function caseLabel(c: BenchCase, settings: BenchSettings): string {
  return c.perSandbox ? `${c.name} ${settings.batch}x, ${settings.concurrency} at once` : `${c.name} (sequential)`;
}

export const CASES: readonly BenchCase[] = [sequentialSpawn, throughput];
