// Boot + poweroff of the debootstrapped Debian tree: a copy gets a oneshot that powers off once
// multi-user.target is reached, and each run boots it to there and back down.
// Off by default: the first run debootstraps the cached tree (~1 min), and a boot is ~0.4-0.8 s.
import { addPoweroffAfterBoot, copyDebianTree } from '../test/fixtures/debian-tree.js';
import { assertNoLeaks, takeSnapshot } from '../test/fixtures/cleanup.js';
import { spawn } from '../src/executor/spawn.js';
import { prepareContainer } from '../src/machines/container.js';
import { parseNspawnArgs } from '../src/nspawn/options.js';
import type { BenchCase } from './cases.js';
import { runFromCgroup, runNspawn, type Runner } from './runners.js';
import { NSBOX_BIN } from './cli-case.js';
import { roundRobin } from './samples.js';
import { CGROUP_PREFIX } from './slots.js';

async function bootFromThisProcess(args: readonly string[]): Promise<void> {
  const container = prepareContainer(parseNspawnArgs(args), { stdinIsTty: false, stdoutIsTty: false, supervisorPid: process.pid });
  try {
    const box = await spawn(container.plan, { stdio: 'ignore' });
    const status = await box.exited;
    if (status.kind !== 'exited' || status.code !== 0) throw new Error(`boot ended with ${JSON.stringify(status)}`);
  } finally {
    container.release();
  }
}

export const bootPoweroff: BenchCase = {
  name: 'boot+poweroff debian',
  perSandbox: false,
  byDefault: false,
  slotsNeeded: () => 1,
  async measure({ slots, settings, log, selected }) {
    const copy = await copyDebianTree();
    addPoweroffAfterBoot(copy.root);
    const cgroup = slots.slot(0).cgroup;
    const boot = ['-D', copy.root, '-b'];
    const runners: Runner[] = [
      { tool: 'nsbox nspawn', once: () => runFromCgroup(cgroup, NSBOX_BIN, ['nspawn', '--register=no', '--keep-unit', '-q', ...boot]) },
      { tool: 'systemd-nspawn', once: () => runNspawn(cgroup, boot) },
      // The same container from this already running Node process (the library API): what a Node
      // program pays, without Node's own start-up that the CLI row includes.
      { tool: 'nsbox (library)', once: () => bootFromThisProcess(['--register=no', '--keep-unit', '-q', ...boot]) },
    ].filter((r) => selected(r.tool));
    const before = takeSnapshot({ paths: [copy.root], mountsUnder: [copy.root], cgroupPrefix: CGROUP_PREFIX });
    try {
      // Round-robin like the other cases: boots are long, and a neighbour's load that comes and
      // goes for a few seconds would otherwise land on whichever tool ran then. The one warm-up
      // boot per tool also does the copy's first-boot work (machine-id, caches).
      const results = await roundRobin(runners, slots.slot(0), settings.boots, 1, log);
      // "poweroff ends it with nothing left": a booted OS leaving processes or mounts is a failure.
      await assertNoLeaks(before);
      return results;
    } finally {
      copy.remove();
    }
  },
};
