// The command line, start-up included: `nsbox nspawn -D TREE /bin/true` vs systemd-nspawn, each a
// fresh process started from the slot's cgroup (the same sh hop for both). nsbox pays Node's own
// start-up, so the case also times `node -e ''` alone: issue 4's target is nsbox within that
// cost of nspawn.
import { fileURLToPath } from 'node:url';
import type { BenchCase } from './cases.js';
import { runFromCgroup, runNspawn, type Runner } from './runners.js';
import { roundRobin } from './samples.js';

export const NSBOX_BIN = fileURLToPath(new URL('../../bin/nsbox.cjs', import.meta.url));
const NSPAWN_FLAGS = ['--register=no', '--keep-unit', '-q'];

const cliRunners: readonly Runner[] = [
  { tool: 'nsbox nspawn', once: (slot) => runFromCgroup(slot.cgroup, NSBOX_BIN, ['nspawn', ...NSPAWN_FLAGS, '-D', slot.tree, '/bin/true']) },
  { tool: 'systemd-nspawn', once: (slot) => runNspawn(slot.cgroup, ['-D', slot.tree, '/bin/true']) },
  // As bin/nsbox.cjs starts Node: without NODE_EXTRA_CA_CERTS, whose parsing it avoids.
  { tool: 'node start-up (floor)', once: (slot) => runFromCgroup(slot.cgroup, 'env', ['-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '']) },
];

export const cliTrue: BenchCase = {
  name: 'cli nspawn /bin/true',
  perSandbox: false,
  byDefault: true,
  slotsNeeded: () => 1,
  measure: ({ slots, settings, log, selected }) =>
    roundRobin(cliRunners.filter((r) => selected(r.tool)), slots.slot(0), settings.cliIterations, Math.min(settings.warmup, 2), log),
};
