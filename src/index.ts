// nsbox's public API: re-exports only.
export type * from './plan/types.js';
export { rootPath, hostPath } from './plan/types.js';
export { CAPABILITY_NAMES, capabilityNumber, capabilityName } from './plan/capabilities.js';
export { describeOp } from './plan/describe.js';
export { explainPlan } from './plan/explain.js';
export { spawn } from './executor/spawn.js';
export { run, type RunResult } from './executor/run.js';
export { handOver, type HandOverOptions } from './executor/handover.js';
export type { ExitStatus, SandboxProcess, SpawnOptions, StdioSetting } from './executor/types.js';
export { NsboxError, SandboxSetupError, HelperError, InvalidPlanError } from './errors.js';
export * from './unit/index.js';
