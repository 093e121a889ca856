// nsbox's public API: re-exports only, each by name, so nothing becomes public by being added to
// a module (test/unit/public-api.test.ts pins the list). Internals of the layers (the unit
// parser's steps, test hooks, value parsers) stay out: the CLI imports those modules directly.

// Plans: what the helper runs.
export type {
  AnyPath, Capabilities, CapSet, CleanupStep, ConsoleMode, CreateTarget, Credentials, HostPath, IdMapRange, JoinTarget, MountFlags,
  NamespaceKind, NotifySocket, Op, OpKind, PidMode, Plan, ProcessSettings, Propagation, Rlimit, RlimitValue, RootLayer, RootPath,
  SourceView, SupervisorSettings, TerminalSetup, UserNamespace,
} from './plan/types.js';
export { rootPath, hostPath } from './plan/types.js';
export { CAPABILITY_NAMES, capabilityNumber, capabilityName } from './plan/capabilities.js';
export { describeOp } from './plan/describe.js';
export { explainPlan } from './plan/explain.js';

// Running a command in a sandbox made from systemd's settings (the same planner as unit files).
export { run, spawn, type RunOptions, type RunResult, type Sandbox, type SandboxEnd, type SpawnSandboxOptions } from './api/run.js';
export { SandboxOptionError, type SandboxOptions, type BindSpec } from './api/options.js';
export type { Preset } from './api/presets.js';
export { Container, type ContainerStartOptions, type ExecOptions, type ExecResult } from './api/container.js';

// Running a plan (the helper's own terms: namespaces, ops, process settings).
export { spawn as spawnPlan } from './executor/spawn.js';
export { run as runPlan, type RunResult as PlanRunResult } from './executor/run.js';
export { handOver, type HandOverOptions } from './executor/handover.js';
export type { ExitStatus, SandboxProcess, SpawnOptions, StdioSetting } from './executor/types.js';

// Errors: every one is an NsboxError with a stable code; rebuildError() turns the JSON form back into its class.
export { NsboxError, SandboxSetupError, HelperError, InvalidPlanError } from './errors.js';
export type { SerializedError } from './errors.js';
export { rebuildError, type ErrorCode } from './error-codes.js';
export { UnitValueError } from './unit/errors.js';

// Unit files: load (search path, drop-ins, specifiers), verify, diagnose.
export { createLoadCache, loadUnit, loadUnitFile, readHostFacts, type LoadCache, type LoadedUnit, type LoadOptions, type LoadState } from './unit/load.js';
export { verifyUnit } from './unit/verify.js';
export { formatDiagnostic, type UnitDiagnostic, type DiagnosticSeverity } from './unit/diagnostics.js';
export { unitSearchPath, dropInDirectories, SYSTEM_UNIT_PATH } from './unit/search-path.js';
export { expandSpecifiers, defaultUnitHostFacts, type UnitHostFacts, type SpecifierContext } from './unit/specifiers.js';
export { parseUnitName, escapeUnitName, escapeUnitPath, unescapeUnitName, type UnitName, type UnitType } from './unit/unit-name.js';
export type { UnitSettings, UnitSection, ServiceSection, InstallSection } from './unit/settings.js';
