// [Unit] directives (systemd.unit(5)).
import { UnitValueError } from './errors.js';
import { bool, on, scalar, wordList, type AnyDirective, type DirectiveContext } from './directive.js';
import type { Condition, ConditionKind, EmergencyAction } from './settings.js';
import { parseUnitName } from './unit-name.js';
import { parseEnum, parseTimeSpan, parseUnsigned } from './values.js';
import { SYSTEMD_252_DIRECTIVES } from './known-directives.js';

const unit = on('unit');

function unitNameItem(word: string, ctx: DirectiveContext): string {
  const name = ctx.expand(word);
  if (!parseUnitName(name)) throw new UnitValueError('Failed to add dependency, invalid unit name', word);
  return name;
}

/** Dependencies: an empty assignment is accepted and changes nothing (unlike most lists). */
function deps(current: readonly string[], value: string, ctx: DirectiveContext): readonly string[] {
  return value === '' ? current : wordList(unitNameItem)(current, value, ctx);
}

const DOC_SCHEMES = /^(https?|file|info|man):/;

function condition(kind: ConditionKind) {
  return (current: readonly Condition[], value: string, ctx: DirectiveContext): readonly Condition[] => {
    // systemd: an empty Condition…=/Assert…= clears every condition of that list so far.
    if (value === '') return [];
    let rest = value;
    const trigger = rest.startsWith('|');
    if (trigger) rest = rest.slice(1).trimStart();
    const negate = rest.startsWith('!');
    if (negate) rest = rest.slice(1).trimStart();
    return [...current, { kind, trigger, negate, value: ctx.expand(rest) }];
  };
}

const EMERGENCY_ACTIONS: readonly EmergencyAction[] = [
  'none', 'reboot', 'reboot-force', 'reboot-immediate', 'poweroff', 'poweroff-force', 'poweroff-immediate',
  'exit', 'exit-force', 'soft-reboot', 'soft-reboot-force', 'kexec', 'kexec-force', 'halt', 'halt-force',
  'halt-immediate',
];

export const unitDirectives = {
  Description: unit('description', scalar((v, ctx) => (v === '' ? undefined : ctx.expand(v)))),
  Documentation: unit('documentation', wordList((w) => {
    if (!DOC_SCHEMES.test(w)) throw new UnitValueError('Not a valid documentation URL', w);
    return w;
  })),
  SourcePath: unit('sourcePath', scalar((v) => v || undefined)),
  Requires: unit('requires', deps),
  Requisite: unit('requisite', deps),
  Wants: unit('wants', deps),
  BindsTo: unit('bindsTo', deps),
  BindTo: unit('bindsTo', deps),
  PartOf: unit('partOf', deps),
  Upholds: unit('upholds', deps),
  Conflicts: unit('conflicts', deps),
  Before: unit('before', deps),
  After: unit('after', deps),
  OnFailure: unit('onFailure', deps),
  OnSuccess: unit('onSuccess', deps),
  PropagatesReloadTo: unit('propagatesReloadTo', deps),
  PropagateReloadTo: unit('propagatesReloadTo', deps),
  ReloadPropagatedFrom: unit('reloadPropagatedFrom', deps),
  PropagateReloadFrom: unit('reloadPropagatedFrom', deps),
  PropagatesStopTo: unit('propagatesStopTo', deps),
  StopPropagatedFrom: unit('stopPropagatedFrom', deps),
  JoinsNamespaceOf: unit('joinsNamespaceOf', deps),
  RequiresMountsFor: unit('requiresMountsFor', wordList((w, ctx) => {
    const path = ctx.expand(w);
    if (!path.startsWith('/')) throw new UnitValueError('Path is not absolute', w);
    return path;
  })),
  StopWhenUnneeded: unit('stopWhenUnneeded', bool),
  RefuseManualStart: unit('refuseManualStart', bool),
  RefuseManualStop: unit('refuseManualStop', bool),
  AllowIsolate: unit('allowIsolate', bool),
  DefaultDependencies: unit('defaultDependencies', bool),
  IgnoreOnIsolate: unit('ignoreOnIsolate', bool),
  JobTimeoutSec: unit('jobTimeoutSec', scalar((v) => parseTimeSpan(v))),
  StartLimitIntervalSec: unit('startLimitIntervalSec', scalar((v) => parseTimeSpan(v))),
  StartLimitInterval: unit('startLimitIntervalSec', scalar((v) => parseTimeSpan(v))),
  StartLimitBurst: unit('startLimitBurst', scalar((v) => parseUnsigned(v))),
  FailureAction: unit('failureAction', scalar((v) => parseEnum(v, EMERGENCY_ACTIONS, 'failure action'))),
  SuccessAction: unit('successAction', scalar((v) => parseEnum(v, EMERGENCY_ACTIONS, 'success action'))),
  // Named here so the completeness check sees both lists filled; the rest come from systemd's list.
  ConditionPathExists: unit('conditions', condition('ConditionPathExists')),
  AssertPathExists: unit('asserts', condition('AssertPathExists')),
  ...conditionDirectives(),
} satisfies Record<string, AnyDirective>;

/** Every Condition*= and Assert*= systemd knows, each appending to its list. */
function conditionDirectives() {
  const entries: Record<string, ReturnType<typeof conditionEntry>> = {};
  for (const key of SYSTEMD_252_DIRECTIVES['Unit'] ?? []) {
    if (key.startsWith('Condition') || key.startsWith('Assert')) entries[key] = conditionEntry(key as ConditionKind);
  }
  return entries;
}

function conditionEntry(kind: ConditionKind) {
  return kind.startsWith('Assert') ? unit('asserts', condition(kind)) : unit('conditions', condition(kind));
}
