// The benchmark cases. A case gets the runners and slots and returns samples per tool; adding a
// case (CLI vs systemd-nspawn, boot + poweroff, supervisor RSS) means adding one entry to CASES.
import type { BenchSettings } from './args.js';
import type { Runner } from './runners.js';
import type { Slots } from './slots.js';
import { sequentialSpawn, throughput } from './spawn-cases.js';
import { bootPoweroff } from './boot-case.js';
import { cliTrue } from './cli-case.js';
import { securityScore } from './security-case.js';
import { managerServices } from './manager-case.js';

export interface ToolSamples {
  readonly tool: string;
  /** Milliseconds (or `unit`); empty when the tool failed. */
  readonly samplesMs: number[];
  readonly error?: string;
  /** A row of its own within the case (a case measuring several things): its label's suffix. */
  readonly measure?: string;
  /** What the samples count when not milliseconds (memory: 'MB', 'KiB'). */
  readonly unit?: string;
}

export interface CaseContext {
  readonly runners: readonly Runner[];
  readonly slots: Slots;
  readonly settings: BenchSettings;
  /** Whether --only lets a tool run. */
  selected(tool: string): boolean;
  /** Progress for humans; goes to stderr so --json stays clean. */
  log(line: string): void;
}

export interface BenchCase {
  readonly name: string;
  /** The rows' label, when not the name with the batch or "(sequential)". */
  readonly label?: (settings: BenchSettings) => string;
  /** Samples are milliseconds per sandbox in a batch: the table also shows sandboxes per second. */
  readonly perSandbox: boolean;
  /** Off by default (slow, or needs a Debian tree built): runs only when --only names it. */
  readonly byDefault: boolean;
  /** How many slots (trees, cgroups) the case needs at most. */
  slotsNeeded(settings: BenchSettings): number;
  measure(ctx: CaseContext): Promise<ToolSamples[]>;
}

export function caseLabel(c: BenchCase, settings: BenchSettings): string {
  if (c.label !== undefined) return c.label(settings);
  return c.perSandbox ? `${c.name} ${settings.batch}x, ${settings.concurrency} at once` : `${c.name} (sequential)`;
}

export const CASES: readonly BenchCase[] = [sequentialSpawn, throughput, cliTrue, bootPoweroff, securityScore, managerServices];
