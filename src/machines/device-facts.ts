// What the device policy needs from the host: /proc/devices (where the pty slaves are) and the
// device nodes among the --bind sources, which nspawn lets the container use (r or rw).
import { readFileSync, statSync } from 'node:fs';
import type { NspawnFacts } from '../nspawn/facts.js';
import type { BindSpec } from '../nspawn/options.js';
import { ptsMajors, type BoundDevice } from '../nspawn/device-policy.js';

/** glibc's gnu_dev_major/gnu_dev_minor on a 64-bit dev_t. */
export const major = (rdev: bigint): number => Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
export const minor = (rdev: bigint): number => Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));

function boundDevice(bind: BindSpec): BoundDevice | undefined {
  // A source inside the tree is the tree's own node: the tree cannot grant itself a device.
  if (bind.sourceInTree) return undefined;
  try {
    // stat, not lstat, as nspawn's is_device_node(): a link to a node names that node.
    const st = statSync(bind.source, { bigint: true });
    const type = st.isCharacterDevice() ? 'char' : st.isBlockDevice() ? 'block' : undefined;
    return type && { type, major: major(st.rdev), minor: minor(st.rdev), readOnly: bind.readOnly };
  } catch {
    // Missing now: the bind fails later with the path named.
    return undefined;
  }
}

export function gatherDeviceFacts(binds: readonly BindSpec[]): NonNullable<NspawnFacts['devices']> {
  let procDevices = '';
  try {
    procDevices = readFileSync('/proc/devices', 'utf8');
  } catch {
    // the planner falls back to 136
  }
  const majors = ptsMajors(procDevices);
  return { ptsMajors: majors.length > 0 ? majors : [136], bound: binds.flatMap((b) => boundDevice(b) ?? []) };
}
