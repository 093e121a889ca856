// Scoring every service of the Debian test tree in one command: `nsbox analyze security
// --offline=yes --json=short` vs `systemd-analyze security` with the same arguments (units read
// from disk, 81 checks each, JSON out). Off by default: the first run debootstraps the tree.
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { debianTree } from '../test/fixtures/debian-tree.js';
import type { BenchCase } from './cases.js';
import { runToCompletion } from './child.js';
import { NSBOX_BIN } from './cli-case.js';
import type { Runner } from './runners.js';
import { roundRobin } from './samples.js';

/** The tree's services that load: a masked one makes both tools exit 1, which a runner counts as failure. */
function loadableServices(tree: string): string[] {
  const dir = join(tree, 'lib/systemd/system');
  return readdirSync(dir).filter((name) => {
    if (!name.endsWith('.service')) return false;
    const st = lstatSync(join(dir, name));
    return st.isSymbolicLink() ? readlinkSync(join(dir, name)) !== '/dev/null' : st.size > 0;
  }).sort();
}

export const securityScore: BenchCase = {
  name: 'analyze security debian',
  perSandbox: false,
  byDefault: false,
  slotsNeeded: () => 1,
  async measure({ slots, settings, log, selected }) {
    const tree = await debianTree();
    const args = ['security', '--offline=yes', `--root=${tree}`, '--json=short', ...loadableServices(tree)];
    log(`  ${args.length - 4} services per run`);
    const runners: Runner[] = [
      { tool: 'nsbox analyze', once: () => runToCompletion(NSBOX_BIN, ['analyze', ...args]) },
      { tool: 'systemd-analyze', once: () => runToCompletion('systemd-analyze', args) },
    ].filter((r) => selected(r.tool));
    return roundRobin(runners, slots.slot(0), settings.cliIterations, Math.min(settings.warmup, 2), log);
  },
};
