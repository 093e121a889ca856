// The /bin/true cases: sequential latency and throughput with concurrency, every tool alike.
import type { BenchCase } from './cases.js';
import type { Runner } from './runners.js';
import { Samples, now, roundRobin } from './samples.js';
import type { Slots } from './slots.js';

export const sequentialSpawn: BenchCase = {
  name: 'spawn /bin/true',
  perSandbox: false,
  byDefault: true,
  slotsNeeded: () => 1,
  measure: ({ runners, slots, settings, log }) => roundRobin(runners, slots.slot(0), settings.iterations, settings.warmup, log),
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
  byDefault: true,
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

