// The tools compared, each as a Runner: "start one sandbox running /bin/true in slot i's tree and
// wait for it to end". Every runner is driven from this same Node process.
import { spawn } from '../src/executor/spawn.js';
import type { PidMode } from '../src/plan/types.js';
import { runToCompletion } from './child.js';
import { trueInTreePlan } from './nsbox-plan.js';
import type { Slot } from './slots.js';
import { joinSlotScript, type CgroupSlot } from '../test/fixtures/cgroup-slot.js';

export interface Runner {
  readonly tool: string;
  /** Runs one sandbox in `slot`; rejects (with the tool's own words) if it did not exit 0. */
  once(slot: Slot): Promise<void>;
}

export function nsboxRunner(pidMode: PidMode): Runner {
  return {
    tool: pidMode === 'reaper' ? 'nsbox' : `nsbox (${pidMode})`,
    async once(slot) {
      const child = await spawn(trueInTreePlan(slot.tree, pidMode), { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      const status = await child.exited;
      if (status.kind !== 'exited' || status.code !== 0) {
        const how = status.kind === 'exited' ? `exited ${status.code}` : `killed by ${status.signal}`;
        throw new Error(`nsbox payload ${how}: ${stderr.trim()}`);
      }
    },
  };
}

/** No sandbox at all: what child_process.spawn + exit of /bin/true costs; the floor for every row. */
export const floorRunner: Runner = {
  tool: 'no sandbox (floor)',
  once: () => runToCompletion('/bin/true', []),
};

export const bwrapRunner: Runner = {
  tool: 'bwrap',
  once: (slot) =>
    runToCompletion('bwrap', ['--bind', slot.tree, '/', '--proc', '/proc', '--dev', '/dev', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '/bin/true']),
};

export const unshareRunner: Runner = {
  tool: 'unshare',
  // -R chroots before --mount-proc mounts, so /proc lands inside the tree.
  once: (slot) => runToCompletion('unshare', ['-m', '-p', '-f', '-u', '-i', '-R', slot.tree, '--mount-proc', '/bin/true']),
};

/**
 * systemd-nspawn started from `cgroup`: the shell moves itself there, then execs nspawn
 * (REFERENCES.md's trick against "Failed to attach ... payload"); this costs nspawn one dash
 * start (~1 ms), noted in docs/performance.md.
 */
export function runNspawn(cgroup: CgroupSlot, args: readonly string[]): Promise<void> {
  return runFromCgroup(cgroup, 'systemd-nspawn', ['--register=no', '--keep-unit', '-q', ...args]);
}

export function runFromCgroup(cgroup: CgroupSlot, cmd: string, args: readonly string[]): Promise<void> {
  return runToCompletion('sh', ['-c', joinSlotScript(cgroup), 'sh', cmd, ...args]);
}

export const nspawnRunner: Runner = {
  tool: 'systemd-nspawn',
  once: (slot) => runNspawn(slot.cgroup, ['-D', slot.tree, '/bin/true']),
};
