// The launch layer: prepare -> launch -> watch and stop -> release (see types.ts).
export type { KillTarget, LaunchHandle, Launchable, NotifyState } from './types.js';
export { launch, type LaunchOptions } from './launch.js';
export { launchInPlace } from './in-place.js';
export { serviceCommandLaunchable } from './service.js';
export { foldNotify, INITIAL_NOTIFY_STATE } from './notify-state.js';
export { cgroupMembers, signalCgroups } from './cgroup-signal.js';
export { ResidentSupervisor, residentSocketPath, type ResidentLaunchOptions } from './resident.js';
