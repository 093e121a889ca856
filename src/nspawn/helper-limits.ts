// The helper's limits (plan/wire-layout.ts) checked against what the options put in a container's
// plan, so an oversized one fails here naming the option, not in the helper at READ_PLAN.
import type { Plan } from '../plan/types.js';
import { WireLimit, type WireLimitName } from '../plan/wire-layout.js';
import { NspawnUsageError } from './errors.js';

/** `fromOverlays`: how many cleanup steps and host directories the --overlay= options added. */
export function checkHelperLimits(plan: Plan, fromOverlays: { readonly cleanup: number; readonly hostDirs: number }): void {
  const over = (option: string, limit: WireLimitName, count: number, what: string): void => {
    if (count > WireLimit[limit]) throw new NspawnUsageError(option, `${what}: ${count}, more than the helper's ${limit} (${WireLimit[limit]})`);
  };
  const sup = plan.supervisor ?? {};
  over('--overlay', 'MAX_CLEANUP', sup.cleanup?.length ?? 0,
    `${fromOverlays.cleanup} work directories to remove at exit, with the container's own cleanup steps`);
  over('--overlay', 'MAX_HOST_DIRS', sup.hostDirs?.length ?? 0, 'host directories to make for the upper layers');
  for (const op of plan.ops) if (op.kind === 'overlay') over('--overlay', 'MAX_OVERLAY_LAYERS', op.lower.length, `lower layers of ${op.target.path}`);
  over('COMMAND', 'MAX_FIELDS', plan.process.argv.length, 'arguments');
  over('--setenv', 'MAX_FIELDS', plan.process.env.length, 'environment variables');
  over('--user', 'MAX_GROUPS', plan.process.credentials?.supplementaryGroups.length ?? 0, 'supplementary groups');
}
