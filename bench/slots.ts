// Worker slots: slot i of a concurrent batch gets its own busybox tree and its own cgroup.
//
// Own trees: systemd-nspawn takes an exclusive lock on its directory ("Directory tree ... is
// currently busy"), so concurrent nspawns need distinct trees; every tool gets the same layout so
// the comparison stays fair. Own cgroups: two nspawns started from one cgroup collide when
// attaching their payloads (REFERENCES.md); each starts from its slot's cgroup instead.
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../test/fixtures/busybox-tree.js';

export interface Slot {
  readonly tree: string;
  /** A cgroup directory (named hierarchy on cgroup v1 hybrid hosts) to start nspawn from. */
  readonly cgroup: string;
}

export const CGROUP_PREFIX = 'nsbox-bench-';

function cgroupParent(): string {
  // Hybrid v1 hosts: nspawn looks at the name=systemd hierarchy; pure v2 hosts have only one tree.
  return existsSync('/sys/fs/cgroup/systemd/cgroup.procs') ? '/sys/fs/cgroup/systemd' : '/sys/fs/cgroup';
}

export class Slots {
  readonly slots: Slot[] = [];
  private readonly trees: BusyboxTree[] = [];
  private readonly cgroups: string[] = [];

  constructor(count: number) {
    const parent = cgroupParent();
    try {
      for (let i = 0; i < count; i++) {
        const tree = makeBusyboxTree('nsbox-bench-');
        this.trees.push(tree);
        const cgroup = join(parent, `${CGROUP_PREFIX}${process.pid}-${i}`);
        mkdirSync(cgroup);
        this.cgroups.push(cgroup);
        this.slots.push({ tree: tree.root, cgroup });
      }
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  slot(i: number): Slot {
    const slot = this.slots[i];
    if (slot === undefined) throw new RangeError(`no slot ${i}`);
    return slot;
  }

  /** Removes trees and cgroups (with anything nspawn made below them); safe to call twice. */
  dispose(): void {
    for (const tree of this.trees.splice(0)) tree.remove();
    for (const cgroup of this.cgroups.splice(0)) removeCgroup(cgroup);
  }
}

function removeCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      if (statSync(path).isDirectory()) removeCgroup(path);
    } catch {
      // vanished meanwhile
    }
  }
  // A cgroup whose last process just exited can still be busy for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      if (attempt >= 50) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}
