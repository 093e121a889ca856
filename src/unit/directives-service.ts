// [Service] directives (systemd.service(5)) other than the exec context.
import type { CommandKind, ExecCommand } from './exec-command.js';
import { UnitValueError } from './errors.js';
import { bool, on, scalar, type AnyDirective, type DirectiveContext } from './directive.js';
import { parseExecLine } from './exec-line.js';
import { EXIT_STATUS_NAMES } from './exit-status.js';
import type { ExitStatusSet, KillMode, NotifyAccess, OOMPolicy, RestartPolicy, ServiceType } from './settings.js';
import { parseEnum, parseSignalValue, parseTimeSpan, parseUnsigned, type Usec } from './values.js';
import { splitWords } from './words.js';

const service = on('service');

function exec(kind: CommandKind) {
  return (current: readonly ExecCommand[], value: string, ctx: DirectiveContext): readonly ExecCommand[] => {
    if (value === '') return [];
    const result = parseExecLine(value, kind, ctx.expand);
    for (const w of result.warnings) ctx.warn(w);
    if (result.error) {
      // systemd drops an invalid line; without `-` the unit fails to load.
      (result.error.ignoreFailure ? ctx.warn : ctx.fail)(result.error.message);
      return current;
    }
    return [...current, ...result.commands];
  };
}

/** TimeoutStartSec= and friends: 0 historically meant "no timeout" and still does. */
const timeout = (v: string): Usec => {
  const usec = parseTimeSpan(v);
  return usec === 0 ? Infinity : usec;
};

function exitStatusSet(current: ExitStatusSet, value: string, ctx: DirectiveContext): ExitStatusSet {
  if (value === '') return { statuses: [], signals: [] };
  const statuses = [...current.statuses];
  const signals = [...current.signals];
  for (const word of splitWords(value, { unquote: true })) {
    const named = EXIT_STATUS_NAMES[word];
    if (named !== undefined) statuses.push(named);
    else if (/^\d+$/.test(word) && Number(word) <= 255) statuses.push(Number(word));
    else {
      try {
        signals.push(parseSignalValue(word));
      } catch {
        ctx.warn(`Failed to parse exit status or signal, ignoring: ${word}`);
      }
    }
  }
  return { statuses, signals };
}

const SERVICE_TYPES: readonly ServiceType[] = ['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle'];
const RESTART: readonly RestartPolicy[] = ['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always'];
const KILL_MODES: readonly KillMode[] = ['control-group', 'mixed', 'process', 'none'];
const NOTIFY: readonly NotifyAccess[] = ['none', 'main', 'exec', 'all'];
const OOM: readonly OOMPolicy[] = ['continue', 'stop', 'kill'];

export const serviceDirectives = {
  Type: service('type', scalar((v) => parseEnum(v, SERVICE_TYPES, 'service type')), { what: 'service type' }),
  ExecCondition: service('execCondition', exec('ExecCondition')),
  ExecStartPre: service('execStartPre', exec('ExecStartPre')),
  ExecStart: service('execStart', exec('ExecStart')),
  ExecStartPost: service('execStartPost', exec('ExecStartPost')),
  ExecReload: service('execReload', exec('ExecReload')),
  ExecStop: service('execStop', exec('ExecStop')),
  ExecStopPost: service('execStopPost', exec('ExecStopPost')),
  ExecSearchPath: service('execSearchPath', scalar((v, ctx) => {
    if (v === '') return undefined;
    const dirs = ctx.expand(v).split(':');
    if (dirs.some((d) => !d.startsWith('/'))) throw new UnitValueError('Search path entries must be absolute', v);
    return dirs;
  })),
  Restart: service('restart', scalar((v) => parseEnum(v, RESTART, 'service restart specifier')), { what: 'service restart specifier' }),
  RestartSec: service('restartSec', scalar((v) => parseTimeSpan(v))),
  TimeoutSec: service('timeoutSec', scalar(timeout)),
  TimeoutStartSec: service('timeoutStartSec', scalar(timeout)),
  TimeoutStopSec: service('timeoutStopSec', scalar(timeout)),
  TimeoutAbortSec: service('timeoutAbortSec', scalar((v) => (v === '' ? undefined : timeout(v)))),
  RuntimeMaxSec: service('runtimeMaxSec', scalar((v) => parseTimeSpan(v))),
  WatchdogSec: service('watchdogSec', scalar((v) => parseTimeSpan(v))),
  RemainAfterExit: service('remainAfterExit', bool),
  GuessMainPID: service('guessMainPID', bool),
  PermissionsStartOnly: service('permissionsStartOnly', bool),
  PIDFile: service('pidFile', scalar((v, ctx) => {
    if (v === '') return undefined;
    const path = ctx.expand(v);
    // systemd reads a relative PIDFile= below /run.
    return path.startsWith('/') ? path : `/run/${path}`;
  })),
  BusName: service('busName', scalar((v) => v || undefined)),
  NotifyAccess: service('notifyAccess', scalar((v) => parseEnum(v, NOTIFY, 'notify access specifier'))),
  SuccessExitStatus: service('successExitStatus', exitStatusSet),
  RestartPreventExitStatus: service('restartPreventExitStatus', exitStatusSet),
  RestartForceExitStatus: service('restartForceExitStatus', exitStatusSet),
  KillMode: service('killMode', scalar((v) => parseEnum(v, KILL_MODES, 'kill mode'))),
  KillSignal: service('killSignal', scalar(parseSignalValue)),
  RestartKillSignal: service('restartKillSignal', scalar(parseSignalValue)),
  FinalKillSignal: service('finalKillSignal', scalar(parseSignalValue)),
  WatchdogSignal: service('watchdogSignal', scalar(parseSignalValue)),
  SendSIGHUP: service('sendSIGHUP', bool),
  SendSIGKILL: service('sendSIGKILL', bool),
  OOMPolicy: service('oomPolicy', scalar((v) => parseEnum(v, OOM, 'OOM policy'))),
  FileDescriptorStoreMax: service('fileDescriptorStoreMax', scalar(parseUnsigned)),
} satisfies Record<string, AnyDirective>;
