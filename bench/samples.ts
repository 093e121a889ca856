// Collects per-tool samples for a case; a tool that fails once is skipped for the rest of it.
import type { ToolSamples } from './cases.js';

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

