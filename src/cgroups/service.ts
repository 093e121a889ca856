// A service's own cgroup: one directory per writable hierarchy (cgroup2 where it is the only one;
// on hybrid hosts name=systemd for tracking plus the unified one), named after the unit, below
// this process's own cgroup. Every command of the service runs in it, so stopping the service can
// signal everything it left running, and status can list it.
import { detectCgroups } from './detect.js';
import { containerCgroupDirs } from '../nspawn/cgroup-layout.js';
import { createCgroupDirs, removeCgroupDirs } from './container.js';
import { parseUnitName } from '../unit/unit-name.js';
import { UnitValueError } from '../unit/errors.js';

export interface ServiceCgroup {
  readonly dirs: readonly string[];
  /** Removes the directories (and any below); the service's processes must be gone. */
  remove(): void;
}

export function createServiceCgroup(unitName: string): ServiceCgroup {
  // A valid unit name has no '/', so it is one directory, never a path out of the parent.
  if (parseUnitName(unitName) === undefined) throw new UnitValueError(`not a valid unit name: ${unitName}`, unitName);
  const host = detectCgroups();
  // Tracking hierarchies only: a service's device access is DevicePolicy='s, not nspawn's list.
  const dirs = containerCgroupDirs(host, host.mode, unitName).filter((d) => d.hierarchy !== 'devices').map((d) => d.path);
  createCgroupDirs(dirs);
  return { dirs, remove: () => removeCgroupDirs([...dirs].reverse()) };
}
