// The launch layer's other way to start: this very process becomes the helper (execve), so a
// container started from the command line keeps no Node process alive. What preparing made is
// released only if the hand-over fails; after it, the helper's own cleanup steps undo it.
import { handOver, type HandOverOptions } from '../executor/handover.js';
import type { Launchable } from './types.js';

export function launchInPlace(launchable: Launchable, options: HandOverOptions): never {
  try {
    return handOver(launchable.plan, options);
  } catch (err) {
    launchable.release();
    throw err;
  }
}
