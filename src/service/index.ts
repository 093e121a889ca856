// The service edge's surface: a unit on disk -> plans for its commands.
export { planUnit, planLoadedUnit, loadServiceUnit, COMMAND_KINDS, type PlanUnitOptions, type PlannedCommand, type UnitPlans } from './plan-unit.js';
export { createPrivateTmp, plannedPrivateTmpDirs, type PrivateTmp } from './private-tmp.js';
export { parseUserDatabase, readUserDatabase } from './user-db.js';
export { capabilitiesFromStatus, mountPointsFromMountinfo } from './host-facts.js';
export { UnitNotLoadedError, NotAServiceError } from './errors.js';
