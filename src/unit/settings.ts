// The typed model of a loaded unit: [Unit], [Service], [Install] and the exec context (the
// sandbox's ExecSettings). Directives systemd knows but nsbox does not model are kept verbatim in
// `other`, so nothing is lost and `analyze verify` stays quiet about them.
import type { ExecCommand } from './exec-command.js';
import { defaultExecSettings, type ExecSettings } from './exec-settings.js';
import type { Usec } from './values.js';

export type ConditionKind = `Condition${string}` | `Assert${string}`;

export interface Condition {
  /** The directive name, e.g. `ConditionPathExists`. */
  readonly kind: ConditionKind;
  /** `|` prefix: a triggering condition (any one of them suffices). */
  readonly trigger: boolean;
  /** `!` prefix. */
  readonly negate: boolean;
  readonly value: string;
}

export type EmergencyAction =
  | 'none' | 'reboot' | 'reboot-force' | 'reboot-immediate' | 'poweroff' | 'poweroff-force'
  | 'poweroff-immediate' | 'exit' | 'exit-force' | 'soft-reboot' | 'soft-reboot-force'
  | 'kexec' | 'kexec-force' | 'halt' | 'halt-force' | 'halt-immediate';

export interface UnitSection {
  readonly description?: string;
  readonly documentation: readonly string[];
  readonly requires: readonly string[];
  readonly requisite: readonly string[];
  readonly wants: readonly string[];
  readonly bindsTo: readonly string[];
  readonly partOf: readonly string[];
  readonly upholds: readonly string[];
  readonly conflicts: readonly string[];
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly onFailure: readonly string[];
  readonly onSuccess: readonly string[];
  readonly propagatesReloadTo: readonly string[];
  readonly reloadPropagatedFrom: readonly string[];
  readonly propagatesStopTo: readonly string[];
  readonly stopPropagatedFrom: readonly string[];
  readonly joinsNamespaceOf: readonly string[];
  readonly requiresMountsFor: readonly string[];
  readonly stopWhenUnneeded: boolean;
  readonly refuseManualStart: boolean;
  readonly refuseManualStop: boolean;
  readonly allowIsolate: boolean;
  readonly defaultDependencies: boolean;
  readonly ignoreOnIsolate: boolean;
  readonly jobTimeoutSec: Usec;
  readonly startLimitIntervalSec?: Usec;
  readonly startLimitBurst?: number;
  readonly failureAction: EmergencyAction;
  readonly successAction: EmergencyAction;
  /** Condition*= and Assert*= in order; an empty assignment of any of them clears its list. */
  readonly conditions: readonly Condition[];
  readonly asserts: readonly Condition[];
  readonly sourcePath?: string;
}

export type ServiceType = 'simple' | 'exec' | 'forking' | 'oneshot' | 'dbus' | 'notify' | 'notify-reload' | 'idle';
export type RestartPolicy = 'no' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-watchdog' | 'on-abort' | 'always';
export type KillMode = 'control-group' | 'mixed' | 'process' | 'none';
export type NotifyAccess = 'none' | 'main' | 'exec' | 'all';
export type OOMPolicy = 'continue' | 'stop' | 'kill';

/** SuccessExitStatus= and friends: exit codes and signal numbers. */
export interface ExitStatusSet {
  readonly statuses: readonly number[];
  readonly signals: readonly number[];
}

export interface ServiceSection {
  readonly type?: ServiceType;
  readonly execCondition: readonly ExecCommand[];
  readonly execStartPre: readonly ExecCommand[];
  readonly execStart: readonly ExecCommand[];
  readonly execStartPost: readonly ExecCommand[];
  readonly execReload: readonly ExecCommand[];
  readonly execStop: readonly ExecCommand[];
  readonly execStopPost: readonly ExecCommand[];
  readonly execSearchPath?: readonly string[];
  readonly restart: RestartPolicy;
  readonly restartSec: Usec;
  readonly timeoutStartSec?: Usec;
  readonly timeoutStopSec?: Usec;
  /** TimeoutSec=: both, where TimeoutStartSec=/TimeoutStopSec= are not set (startTimeoutOf/stopTimeoutOf). */
  readonly timeoutSec?: Usec;
  readonly timeoutAbortSec?: Usec;
  readonly runtimeMaxSec: Usec;
  readonly watchdogSec: Usec;
  readonly remainAfterExit: boolean;
  readonly guessMainPID: boolean;
  readonly permissionsStartOnly: boolean;
  readonly pidFile?: string;
  readonly busName?: string;
  readonly notifyAccess?: NotifyAccess;
  readonly successExitStatus: ExitStatusSet;
  readonly restartPreventExitStatus: ExitStatusSet;
  readonly restartForceExitStatus: ExitStatusSet;
  readonly killMode: KillMode;
  readonly killSignal: number;
  readonly restartKillSignal?: number;
  readonly finalKillSignal: number;
  readonly watchdogSignal: number;
  readonly sendSIGHUP: boolean;
  readonly sendSIGKILL: boolean;
  readonly oomPolicy?: OOMPolicy;
  readonly fileDescriptorStoreMax: number;
}

export interface InstallSection {
  readonly alias: readonly string[];
  readonly wantedBy: readonly string[];
  readonly requiredBy: readonly string[];
  readonly also: readonly string[];
  readonly defaultInstance?: string;
}

export interface UnitSettings {
  readonly unit: UnitSection;
  readonly service: ServiceSection;
  readonly exec: ExecSettings;
  readonly install: InstallSection;
  /** Known but unmodelled directives, `Section.Key` -> values in order (an empty value resets). */
  readonly other: Readonly<Record<string, readonly string[]>>;
  /** Where each `other` directive was last assigned, so a warning about it can name file:line. */
  readonly otherAt: Readonly<Record<string, { readonly file: string; readonly line: number }>>;
}

export const DEFAULT_TIMEOUT_USEC: Usec = 90_000_000;
const noExitStatus: ExitStatusSet = { statuses: [], signals: [] };

export function defaultUnitSettings(): UnitSettings {
  return {
    unit: {
      documentation: [], requires: [], requisite: [], wants: [], bindsTo: [], partOf: [], upholds: [],
      conflicts: [], before: [], after: [], onFailure: [], onSuccess: [], propagatesReloadTo: [],
      reloadPropagatedFrom: [], propagatesStopTo: [], stopPropagatedFrom: [], joinsNamespaceOf: [],
      requiresMountsFor: [], stopWhenUnneeded: false, refuseManualStart: false, refuseManualStop: false,
      allowIsolate: false, defaultDependencies: true, ignoreOnIsolate: false, jobTimeoutSec: Infinity,
      failureAction: 'none', successAction: 'none', conditions: [], asserts: [],
    },
    service: {
      execCondition: [], execStartPre: [], execStart: [], execStartPost: [], execReload: [], execStop: [],
      execStopPost: [], restart: 'no', restartSec: 100_000, runtimeMaxSec: Infinity, watchdogSec: 0,
      remainAfterExit: false, guessMainPID: true, permissionsStartOnly: false,
      successExitStatus: noExitStatus, restartPreventExitStatus: noExitStatus, restartForceExitStatus: noExitStatus,
      killMode: 'control-group', killSignal: 15, finalKillSignal: 9, watchdogSignal: 6,
      sendSIGHUP: false, sendSIGKILL: true, fileDescriptorStoreMax: 0,
    },
    exec: defaultExecSettings,
    install: { alias: [], wantedBy: [], requiredBy: [], also: [] },
    other: {},
    otherAt: {},
  };
}

/** TimeoutStartSec= (or TimeoutSec=); unset: 90 s, or no timeout for Type=oneshot (systemd's rule). */
export function startTimeoutOf(s: ServiceSection): Usec {
  return s.timeoutStartSec ?? s.timeoutSec ?? (effectiveServiceType(s) === 'oneshot' ? Infinity : DEFAULT_TIMEOUT_USEC);
}

/** TimeoutStopSec= (or TimeoutSec=); unset: 90 s. */
export function stopTimeoutOf(s: ServiceSection): Usec {
  return s.timeoutStopSec ?? s.timeoutSec ?? DEFAULT_TIMEOUT_USEC;
}

/** Type= when not set: `dbus` with BusName=, else `simple`, or `oneshot` without ExecStart= (systemd's rule). */
export function effectiveServiceType(s: ServiceSection): ServiceType {
  return s.type ?? (s.busName !== undefined ? 'dbus' : s.execStart.length === 0 ? 'oneshot' : 'simple');
}
