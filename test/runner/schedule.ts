// Runs test files `jobs` at a time: run-alone files first, one by one, then the rest, longest
// first (by the durations of the previous run), so the slow boot tests do not start last.
import type { TestFile } from './files.js';

/** The order files start in (pure). Unknown durations count as long: a new file may be slow. */
export function startOrder(files: readonly TestFile[], previousMs: Readonly<Record<string, number>>): TestFile[] {
  const cost = (f: TestFile): number => previousMs[f.name] ?? (f.name.startsWith('test/unit/') ? 1_000 : 30_000);
  const byCost = (a: TestFile, b: TestFile): number => cost(b) - cost(a) || a.name.localeCompare(b.name);
  return [...files.filter((f) => f.runAlone).sort(byCost), ...files.filter((f) => !f.runAlone).sort(byCost)];
}

/**
 * Calls `run` for every file, at most `jobs` at once; a run-alone file waits until nothing else
 * runs and nothing starts beside it.
 */
export async function runPool<R>(files: readonly TestFile[], jobs: number, run: (file: TestFile) => Promise<R>): Promise<Map<TestFile, R>> {
  const results = new Map<TestFile, R>();
  const queue = [...files];
  const running = new Set<Promise<void>>();
  let alone = false;
  while (queue.length > 0 || running.size > 0) {
    const next = queue[0];
    const canStart = next !== undefined && !alone && (next.runAlone ? running.size === 0 : running.size < jobs);
    if (canStart) {
      queue.shift();
      alone = next.runAlone;
      const p: Promise<void> = run(next).then((r) => {
        results.set(next, r);
        running.delete(p);
        if (next.runAlone) alone = false;
      });
      running.add(p);
      continue;
    }
    await Promise.race(running);
  }
  return results;
}
