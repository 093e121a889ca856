// Collects per-tool samples for a case; a tool that fails once is skipped for the rest of it.
import type { ToolSamples } from './cases.js';
import type { Runner } from './runners.js';
import type { Slot } from './slots.js';

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export class Samples {
  private readonly byTool = new Map<string, { samplesMs: number[]; error?: string }>();
  constructor(tools: readonly { readonly tool: string }[]) {
    for (const r of tools) this.byTool.set(r.tool, { samplesMs: [] });
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


/**
 * `iterations` timed runs per runner in `slot`, after `warmup` untimed ones. Round-robin, not tool
 * after tool: a slow drift of the machine (page cache, a neighbour's load) then spreads evenly
 * over all tools instead of landing on whichever ran last.
 */
export async function roundRobin(
  runners: readonly Runner[],
  slot: Slot,
  iterations: number,
  warmup: number,
  log: (line: string) => void,
): Promise<ToolSamples[]> {
  const samples = new Samples(runners);
  for (const r of runners) {
    for (let i = 0; i < warmup; i++) await samples.record(r.tool, async () => (await r.once(slot), undefined));
  }
  for (let i = 0; i < iterations; i++) {
    for (const r of runners) {
      await samples.record(r.tool, async () => {
        const t0 = now();
        await r.once(slot);
        return now() - t0;
      });
    }
    if ((i + 1) % 50 === 0) log(`  ${i + 1}/${iterations}`);
  }
  return samples.result();
}
