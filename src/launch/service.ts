// A service command as a Launchable: its plan (from service/plan-unit.ts) made to join the
// service's cgroup. The cgroup and the private /tmp belong to the service, not to one command,
// so this launch releases nothing: the service's owner removes them when it stops.
import type { Plan } from '../plan/types.js';
import type { ServiceCgroup } from '../cgroups/service.js';
import type { Launchable } from './types.js';

export function serviceCommandLaunchable(plan: Plan, cgroup: ServiceCgroup): Launchable {
  return { plan: { ...plan, cgroups: cgroup.dirs }, cgroupDirs: cgroup.dirs, release: () => {} };
}
