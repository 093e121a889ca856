// Worker slots: slot i of a concurrent batch gets its own busybox tree and its own cgroup.
//
// Own trees: systemd-nspawn takes an exclusive lock on its directory ("Directory tree ... is
// currently busy"), so concurrent nspawns need distinct trees; every tool gets the same layout so
// the comparison stays fair. Own cgroups: two nspawns started from one cgroup collide when
// attaching their payloads (REFERENCES.md); each starts from its slot's cgroup instead.
import { makeBusyboxTree, type BusyboxTree } from '../test/fixtures/busybox-tree.js';
import { makeCgroupSlot, type CgroupSlot } from '../test/fixtures/cgroup-slot.js';

export interface Slot {
  readonly tree: string;
  /** Cgroups of its own (one per hierarchy) to start nspawn from. */
  readonly cgroup: CgroupSlot;
}

export const CGROUP_PREFIX = 'nsbox-bench-';

export class Slots {
  readonly slots: Slot[] = [];
  private readonly trees: BusyboxTree[] = [];
  private readonly cgroups: CgroupSlot[] = [];

  constructor(count: number) {
    try {
      for (let i = 0; i < count; i++) {
        const tree = makeBusyboxTree('nsbox-bench-');
        this.trees.push(tree);
        const cgroup = makeCgroupSlot(`${CGROUP_PREFIX}${process.pid}-${i}`);
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
    for (const cgroup of this.cgroups.splice(0)) cgroup.remove();
  }
}
