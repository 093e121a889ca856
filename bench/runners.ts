// The tools compared, each as a Runner: "start one sandbox running /bin/true in slot i's tree and
// wait for it to end". Every runner is driven from this same Node process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PidMode, Plan } from '../src/plan/types.js';
import type { SandboxProcess, SpawnOptions } from '../src/executor/types.js';
import { runToCompletion } from './child.js';
import { trueInTreePlan } from './nsbox-plan.js';
import type { Slot } from './slots.js';

export interface Runner {
  readonly tool: string;
  /** Runs one sandbox in `slot`; rejects (with the tool's own words) if it did not exit 0. */
  once(slot: Slot): Promise<void>;
}

type SpawnFn = (plan: Plan, opts?: SpawnOptions) => Promise<SandboxProcess>;

// Loaded by URL, not a static import, so the bench builds and compares the references even while
// the executor is still being written; nsbox rows appear once dist/src/executor/spawn.js exists.
const SPAWN_URL = new URL('../src/executor/spawn.js', import.meta.url);

export async function loadNsboxSpawn(): Promise<SpawnFn | string> {
  if (!existsSync(fileURLToPath(SPAWN_URL))) return 'src/executor/spawn.ts is not built yet';
  const mod = (await import(SPAWN_URL.href)) as { spawn?: SpawnFn };
  return typeof mod.spawn === 'function' ? mod.spawn : 'src/executor/spawn.js exports no spawn()';
}

export function nsboxRunner(spawn: SpawnFn, pidMode: PidMode): Runner {
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

export const nspawnRunner: Runner = {
  tool: 'systemd-nspawn',
  // The shell moves itself into the slot's cgroup, then execs nspawn (REFERENCES.md's trick);
  // this costs nspawn one dash start (~1 ms), noted in docs/performance.md.
  once: (slot) =>
    runToCompletion('sh', [
      '-c',
      'echo $$ > "$0/cgroup.procs" && exec systemd-nspawn "$@"',
      slot.cgroup,
      '--register=no',
      '--keep-unit',
      '-q',
      '-D',
      slot.tree,
      '/bin/true',
    ]),
};
