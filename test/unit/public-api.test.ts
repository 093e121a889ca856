// The public API is a list of names: adding to it (or losing one) is a decision, made here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '../../src/index.js';

const indexSource = readFileSync(fileURLToPath(new URL('../../../src/index.ts', import.meta.url)), 'utf8');

test('src/index.ts exports by name: no `export *`, no `export type *`', () => {
  assert.deepEqual(indexSource.match(/^export (type )?\*.*$/gm) ?? [], []);
});

test('the values nsbox exports are exactly these', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'CAPABILITY_NAMES', 'Container', 'HelperError', 'InvalidPlanError', 'NsboxError', 'SYSTEM_UNIT_PATH', 'SandboxSetupError', 'UnitValueError',
    'capabilityName', 'capabilityNumber', 'createLoadCache', 'defaultUnitHostFacts', 'describeOp', 'dropInDirectories',
    'escapeUnitName', 'escapeUnitPath', 'expandSpecifiers', 'explainPlan', 'formatDiagnostic', 'handOver', 'hostPath', 'loadUnit',
    'loadUnitFile', 'parseUnitName', 'readHostFacts', 'rebuildError', 'rootPath', 'run', 'runPlan', 'SandboxOptionError', 'spawn', 'spawnPlan',
    'unescapeUnitName', 'unitSearchPath', 'verifyUnit',
  ].sort());
});

test('the types nsbox exports are exactly these', () => {
  // Types leave no trace at run time: read them from the export lines.
  const types = [...indexSource.matchAll(/^export (type )?\{([^}]*)\}/gm)]
    .flatMap((m) => m[2]!.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (m[1] !== undefined ? `type ${s}` : s)))
    .filter((s) => s.startsWith('type '))
    .map((s) => s.slice('type '.length).replace(/^\w+ as /, ''))
    .sort();
  assert.deepEqual(types, [
    'AnyPath', 'CapSet', 'Capabilities', 'CleanupStep', 'ConsoleMode', 'CreateTarget', 'Credentials', 'DiagnosticSeverity', 'ErrorCode',
    'ExitStatus', 'HandOverOptions', 'HostPath', 'IdMapRange', 'InstallSection', 'JoinTarget', 'LoadCache', 'LoadOptions', 'LoadState',
    'LoadedUnit', 'MountFlags', 'NamespaceKind', 'NotifySocket', 'Op', 'OpKind', 'PidMode', 'Plan', 'ProcessSettings', 'Propagation',
    'RootLayer', 'RootPath', 'Rlimit', 'RlimitValue', 'RunResult', 'SandboxProcess', 'RunOptions', 'Sandbox', 'SandboxEnd',
    'SpawnSandboxOptions', 'SandboxOptions', 'BindSpec', 'Preset', 'PlanRunResult', 'ContainerStartOptions', 'ExecOptions', 'ExecResult', 'SerializedError', 'ServiceSection', 'SourceView',
    'SpawnOptions', 'SpecifierContext', 'StdioSetting', 'SupervisorSettings', 'TerminalSetup', 'UnitDiagnostic', 'UnitHostFacts',
    'UnitName', 'UnitSection', 'UnitSettings', 'UnitType', 'UserNamespace',
  ].sort());
});

test('unit-layer internals stay private: the parser\'s steps and test hooks', () => {
  for (const name of ['applyAssignments', 'TEST_INSTANCE', 'lexUnitFile', 'expandArgv', 'parseBoolean']) assert.equal(name in api, false, name);
});
