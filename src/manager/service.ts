// One service's life, as systemd's service.c runs it: ExecStartPre= -> ExecStart= -> ExecStartPost=
// -> running (or exited, for Type=oneshot with RemainAfterExit=) -> ExecStop= -> SIGTERM to the
// cgroup -> SIGKILL after TimeoutStopSec= -> ExecStopPost= -> dead or failed. Every command goes
// through the launch layer into the service's own cgroup; stdout/stderr go to the journal.
//
// Commands start in the daemon's resident supervisor, which outlives the daemon: a new daemon
// re-adopts a running service from its state file (unit-state.ts) and the resident's HELLO.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxSetupError } from '../errors.js';
import { exitStatusForStep } from '../sandbox/exit-status.js';
import { EXIT_STATUS, EXIT_STATUS_NAMES } from '../unit/exit-status.js';
import { effectiveServiceType } from '../unit/settings.js';
import type { LoadedUnit } from '../unit/load.js';
import type { ExecCommand } from '../unit/exec-command.js';
import type { Plan } from '../plan/types.js';
import { planLoadedUnit, type PlannedCommand, type UnitPlans } from '../service/plan-unit.js';
import { createExecDirectories, removeRuntimeDirectories } from '../service/exec-directories.js';
import { readUserDatabase } from '../service/user-db.js';
import { managerEnvironment } from '../service/manager-environment.js';
import type { ConditionOutcome } from '../unit/conditions.js';
import { checkConditions } from './condition-check.js';
import { startTimeoutOf, stopTimeoutOf } from '../unit/settings.js';
import { guessMainPid, procComm, procStartTime, readPidFile } from './main-pid.js';
import { createPrivateTmp, type PrivateTmp } from '../service/private-tmp.js';
import { createServiceCgroup, type ServiceCgroup } from '../cgroups/service.js';
import { removeCgroupTreesAsync } from '../cgroups/container.js';
import { cgroupMembers, launch, serviceCommandLaunchable, signalCgroups, type LaunchHandle, type ResidentSupervisor } from '../launch/index.js';
import type { NotifyState } from '../launch/index.js';
import { journalStreamOf, streamToJournal } from './output.js';
import { removeUnitState, writeUnitState, type UnitState } from './unit-state.js';
import { NoSuchProcessError, ServiceCgroupBusyError } from './errors.js';
import type { JournalSink } from './journal-sink.js';
import { DEFAULT_START_LIMIT_BURST, DEFAULT_START_LIMIT_INTERVAL_USEC, shallRestart, startLimit } from './restart-policy.js';
import { activeStateOf, combineResult, restingSubState, resultOfEnd, type ActiveState, type ProcessEnd, type ServiceResult, type ServiceSubState } from './states.js';

export interface ServiceContext {
  readonly journal: JournalSink;
  readonly runtimeDir: string;
  readonly unitPath?: string;
  /** The resident supervisor every command starts in (the daemon's); without it, a helper per launch. */
  readonly supervisor?: ResidentSupervisor;
}

/** ExecMain*= and the Process: lines of `status`: one command that ran. */
export interface ProcessRecord {
  readonly kind: string;
  readonly pid: number;
  readonly argv: readonly string[];
  readonly startUs: number;
  exitUs?: number;
  end?: ProcessEnd;
}

/**
 * What a job on the service ended as (systemd's JobResult, the ones this slice produces): `skipped`
 * when ExecCondition= skipped the unit, `assert` for an unmet Assert*=, `invalid` for a reload of
 * an inactive unit. An unmet Condition*= is `done`, as in systemd.
 */
export type JobResult = 'done' | 'failed' | 'dependency' | 'canceled' | 'skipped' | 'assert' | 'invalid';

const nowUs = (): number => Date.now() * 1000;
const signalNumber = (name: NodeJS.Signals): number => osConstants.signals[name] ?? 0;
const signalName = (n: number): NodeJS.Signals | undefined => (Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0] as NodeJS.Signals | undefined);
const statusName = (code: number): string => {
  const name = Object.entries(EXIT_STATUS).find(([, v]) => v === code)?.[0];
  return `${code}/${name ?? 'n/a'}`;
};

/** `code=exited, status=1/FAILURE` or `code=killed, status=9/KILL`, as systemd words a process end. */
export function describeEnd(end: ProcessEnd): string {
  if (end.kind === 'exited') return `code=exited, status=${statusName(end.code)}`;
  const name = signalName(end.signal)?.replace(/^SIG/, '') ?? String(end.signal);
  return `code=killed, status=${end.signal}/${name}`;
}

export class Service {
  sub: ServiceSubState = 'dead';
  result: ServiceResult = 'success';
  invocationId = '';
  mainPid = 0;
  controlPid = 0;
  statusText = '';
  execMain: ProcessRecord | undefined;
  readonly processes: ProcessRecord[] = [];
  stateChangeUs = 0;
  activeEnterUs = 0;
  activeExitUs = 0;
  inactiveEnterUs = 0;
  inactiveExitUs = 0;
  private cgroup: ServiceCgroup | undefined;
  private privateTmp: PrivateTmp | undefined;
  private mainHandle: LaunchHandle | undefined;
  private busy?: Promise<JobResult>;
  /** Restarts made by Restart= (systemd's NRestarts), refused ones included. */
  nRestarts = 0;
  /** When recent starts began (ms), for StartLimitIntervalSec=/StartLimitBurst=. */
  private startTimes: number[] = [];
  /** Set by a stop or restart job: what goes down then is not started again by Restart=. */
  private stopRequested = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** The unit as it was when the running invocation started (a later daemon-reload does not change it). */
  private running?: LoadedUnit;
  /** systemd's ConditionResult=/AssertResult= (no until a start tested them) and when they were tested. */
  conditionResult = false;
  assertResult = false;
  conditionTimestampUs = 0;
  assertTimestampUs = 0;
  conditionOutcomes: readonly ConditionOutcome[] = [];
  assertOutcomes: readonly ConditionOutcome[] = [];
  /** A restart job is stopping the unit (RuntimeDirectoryPreserve=restart keeps the directories). */
  private restarting = false;
  /** ReloadResult=. */
  reloadResult: ServiceResult = 'success';

  constructor(public unit: LoadedUnit, private readonly ctx: ServiceContext) {}

  get name(): string {
    return this.unit.name;
  }
  get activeState(): ActiveState {
    return activeStateOf(this.sub);
  }
  get description(): string {
    return this.unit.settings.unit.description ?? this.name;
  }
  /** systemd 252's status text: `foo.service - Description` when there is a description. */
  private get label(): string {
    const d = this.unit.settings.unit.description;
    return d !== undefined && d !== this.name ? `${this.name} - ${d}` : this.name;
  }
  get cgroupDirs(): readonly string[] {
    return this.cgroup?.dirs ?? [];
  }
  /** Processes left in the cgroup after a stop (KillMode=process/none): the unit is not garbage then, as in systemd. */
  get hasProcesses(): boolean {
    return this.cgroup !== undefined && cgroupMembers(this.cgroup.dirs).length > 0;
  }
  /** True while the service needs nothing done to be "up". */
  get isUp(): boolean {
    return this.sub === 'running' || this.sub === 'exited';
  }

  private setSub(sub: ServiceSubState): void {
    const before = activeStateOf(this.sub);
    this.sub = sub;
    const after = activeStateOf(sub);
    const t = nowUs();
    this.stateChangeUs = t;
    if (before !== after) {
      if (after === 'active') this.activeEnterUs = t;
      if (before === 'active') this.activeExitUs = t;
      if (after === 'inactive' || after === 'failed') this.inactiveEnterUs = t;
      if (before === 'inactive' || before === 'failed') this.inactiveExitUs = t;
    }
    this.saveState();
  }

  /** The resident's launch id of the running main process, for the state file. */
  private mainLaunchId: number | undefined;

  /** The state a later daemon re-adopts this service from (only when commands run in the resident). */
  private saveState(): void {
    if (this.ctx.supervisor === undefined) return;
    const inactive = this.activeState === 'inactive' || this.activeState === 'failed';
    try {
      if (inactive) return removeUnitState(this.ctx.runtimeDir, this.name);
      const state: UnitState = {
        unit: this.name, invocationId: this.invocationId, sub: this.sub, result: this.result, mainPid: this.mainPid,
        ...(this.mainLaunchId !== undefined && this.mainPid > 0 && this.execMain?.end === undefined ? { mainLaunchId: this.mainLaunchId } : {}),
        cgroupDirs: this.cgroupDirs, ...(this.privateTmp ? { privateTmp: { tmp: this.privateTmp.tmp, varTmp: this.privateTmp.varTmp } } : {}),
        ...(this.execMain ? { execMain: this.execMain } : {}), nRestarts: this.nRestarts,
        stateChangeUs: this.stateChangeUs, activeEnterUs: this.activeEnterUs, inactiveExitUs: this.inactiveExitUs,
      };
      writeUnitState(this.ctx.runtimeDir, state);
    } catch (e) {
      this.ctx.journal.manager(this.name, `${this.name}: Failed to save the unit's state: ${(e as Error).message}`, 4);
    }
  }

  /**
   * A daemon that starts after another was killed takes the service over from its state file and
   * the resident: the same invocation, main pid, cgroup and private /tmp; output goes on into the
   * journal; a main process that ended while no daemon ran is finished by the stop path.
   */
  restore(state: UnitState): void {
    const supervisor = this.ctx.supervisor;
    if (supervisor === undefined) return;
    this.running = this.unit;
    this.invocationId = state.invocationId;
    this.result = state.result;
    this.mainPid = state.mainPid;
    this.nRestarts = state.nRestarts;
    this.stateChangeUs = state.stateChangeUs;
    this.activeEnterUs = state.activeEnterUs;
    this.inactiveExitUs = state.inactiveExitUs;
    const dirs = [...state.cgroupDirs];
    this.cgroup = { dirs, remove: () => {} };
    if (state.privateTmp) {
      const parents = [state.privateTmp.tmp, state.privateTmp.varTmp].map((d) => join(d, '..'));
      this.privateTmp = { ...state.privateTmp, remove: () => { for (const p of parents) rmSync(p, { recursive: true, force: true }); } };
    }
    if (state.execMain) {
      this.execMain = { ...state.execMain };
      this.processes.push(this.execMain);
    }
    const handle = state.mainLaunchId !== undefined ? supervisor.adopt(state.mainLaunchId, dirs) : undefined;
    // Mid-start (kill -9 during ExecStartPre=… or before READY=1): a main process that runs is
    // taken as started, the rest of the start is not run again.
    this.sub = state.sub === 'exited' ? 'exited' : 'running';
    this.ctx.journal.manager(this.name, `${this.name}: Re-adopted invocation ${this.invocationId} (main PID ${this.mainPid || 'none'}).`);
    if (handle !== undefined) {
      this.mainHandle = handle;
      this.mainLaunchId = state.mainLaunchId;
      const origin = { unit: this.name, pid: handle.pid, invocationId: this.invocationId, argv0: this.execMain?.argv[0] ?? this.name };
      void streamToJournal(handle.stdout, origin, this.ctx.journal);
      void streamToJournal(handle.stderr, origin, this.ctx.journal);
      void handle.exited.then((s) => this.onMainExit(toEnd(s)));
    } else if (this.sub === 'running' && cgroupMembers(dirs).length === 0) {
      // Nothing of it is left (no resident held it): the stop path, as for a main process that ended.
      this.busyStop = this.serialize(() => this.doStop('success', false, true));
    }
    this.saveState();
  }

  /** Runs one job at a time on this unit, as systemd allows one job per unit. */
  private serialize(run: () => Promise<JobResult>): Promise<JobResult> {
    const next = (this.busy ?? Promise.resolve<JobResult>('done')).then(run, run);
    this.busy = next;
    return next;
  }

  start(): Promise<JobResult> {
    this.cancelRestart();
    return this.serialize(() => {
      this.stopRequested = false;
      return this.isUp ? Promise.resolve('done') : this.doStart();
    });
  }
  /** A stop job is done whatever the unit's result: systemd 252's `stop` exits 0 even when ExecStop= failed. */
  stop(): Promise<JobResult> {
    this.stopRequested = true;
    if (this.cancelRestart()) this.setSub(restingSubState(this.result));
    return this.serialize(async () => (this.isUp ? (await this.doStop('success', false), 'done') : 'done'));
  }
  restart(): Promise<JobResult> {
    this.stopRequested = true;
    this.cancelRestart();
    return this.serialize(async () => {
      this.restarting = true;
      try {
        if (this.isUp) await this.doStop('success', false, false, true);
      } finally {
        this.restarting = false;
      }
      this.stopRequested = false;
      return this.doStart();
    });
  }

  /** Whether the unit has something to reload with (ExecReload=); systemd refuses the job otherwise. */
  get canReload(): boolean {
    return (this.running ?? this.unit).settings.service.execReload.length > 0;
  }
  reload(): Promise<JobResult> {
    return this.serialize(() => this.doReload());
  }

  /** Drops a scheduled automatic restart; true if there was one. */
  private cancelRestart(): boolean {
    if (this.restartTimer === undefined) return false;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    return true;
  }

  /**
   * After the service went down by itself (its main process ended, or a start failed): Restart=
   * decides whether it starts again, RestartSec= later, as a start of no job.
   */
  private scheduleRestart(): void {
    const svc = (this.running ?? this.unit).settings.service;
    if (this.stopRequested || !shallRestart(svc, this.result, this.mainEnd())) return;
    this.setSub('auto-restart');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.nRestarts++;
      this.ctx.journal.manager(this.name, `${this.name}: Scheduled restart job, restart counter is at ${this.nRestarts}.`);
      this.ctx.journal.manager(this.name, `Stopped ${this.label}.`);
      void this.serialize(() => (this.stopRequested || this.isUp ? Promise.resolve<JobResult>('done') : this.doStart()));
    }, Math.min(svc.restartSec, 2 ** 31) / 1000);
  }

  /**
   * Condition*= then Assert*= (systemd's unit_test_condition/unit_test_assert), before anything
   * else of a start: an unmet condition ends the job `done` with nothing run, an unmet assert
   * fails it (`assert`); undefined when both pass.
   */
  private testConditions(unit: LoadedUnit): JobResult | undefined {
    const checked = checkConditions(this.name, unit.settings.unit, this.ctx.journal, nowUs());
    this.conditionResult = checked.condition.met;
    this.conditionTimestampUs = checked.condition.timestampUs;
    this.conditionOutcomes = checked.condition.outcomes;
    if (checked.assert) {
      this.assertResult = checked.assert.met;
      this.assertTimestampUs = checked.assert.timestampUs;
      this.assertOutcomes = checked.assert.outcomes;
    }
    return checked.stop;
  }

  /** Plans every command of the unit with the manager's environment and the unit's private /tmp. */
  private planCommands(unit: LoadedUnit): Promise<UnitPlans> {
    return planLoadedUnit(unit, {
      ...(this.ctx.unitPath !== undefined ? { unitPath: this.ctx.unitPath } : {}),
      ...(this.privateTmp ? { privateTmpDirs: this.privateTmp } : {}),
      managerEnvironment: managerEnvironment(),
    });
  }

  /**
   * Runs control commands of one phase, each under TimeoutStartSec= (systemd arms the timer per
   * command): on a timeout the cgroup gets KillSignal= and the phase ends `timeout`.
   */
  private async runPhase(plans: readonly PlannedCommand[], phase: 'condition' | 'start-pre' | 'start' | 'start-post', timeoutUs: number, asMain = false):
    Promise<{ kind: 'ok' } | { kind: 'failed'; end: ProcessEnd; command: PlannedCommand } | { kind: 'timeout' }> {
    for (const p of plans) {
      let timedOut = false;
      const timer = Number.isFinite(timeoutUs) ? setTimeout(() => {
        // Ended already, its output still draining (runControl waits up to 1 s for a pipe a
        // background process may hold): not a timeout, as systemd's timer stops at the exit.
        if (this.controlPid > 0 && !alive(this.controlPid)) return;
        timedOut = true;
        this.ctx.journal.manager(this.name, phase === 'start-post' ? `${this.name}: Start-post operation timed out. Stopping.`
          : phase === 'condition' ? `${this.name}: Condition check timed out. Terminating.` : `${this.name}: ${phase} operation timed out. Terminating.`, 4);
        this.signalUnit(this.killSignalOf(this.running ?? this.unit), 'all');
      }, Math.min(timeoutUs, 2 ** 31) / 1000) : undefined;
      const end = await this.runControl(p, asMain);
      if (timer) clearTimeout(timer);
      if (timedOut) {
        this.ctx.journal.manager(this.name, `${this.name}: ${asMain ? 'Main' : 'Control'} process exited, ${describeEnd(end)}`, 5);
        return { kind: 'timeout' };
      }
      if (phase === 'condition' && !p.ignoreFailure && end.kind === 'exited' && end.code >= 1 && end.code <= 254) return { kind: 'failed', end, command: p };
      if (!p.ignoreFailure && resultOfEnd(end, { main: asMain }) !== 'success') return { kind: 'failed', end, command: p };
    }
    return { kind: 'ok' };
  }

  private async doStart(): Promise<JobResult> {
    const unit = this.unit;
    const skipped = this.testConditions(unit);
    if (skipped !== undefined) return skipped;
    const limit = startLimit(this.startTimes, Date.now(), unit.settings.unit.startLimitIntervalSec ?? DEFAULT_START_LIMIT_INTERVAL_USEC,
      unit.settings.unit.startLimitBurst ?? DEFAULT_START_LIMIT_BURST);
    this.startTimes = limit.starts;
    if (!limit.allowed) {
      // The result of the loop that got here stays (a failing loop keeps exit-code), as in systemd 252.
      this.ctx.journal.manager(this.name, `${this.name}: Start request repeated too quickly.`, 4);
      this.result = combineResult(this.result, 'start-limit-hit');
      this.setSub('failed');
      this.ctx.journal.manager(this.name, `${this.name}: Failed with result '${this.result}'.`, 4);
      this.ctx.journal.manager(this.name, `Failed to start ${this.label}.`, 3);
      return 'failed';
    }
    this.running = unit;
    this.result = 'success';
    this.reloadResult = 'success';
    this.invocationId = randomUUID().replaceAll('-', '');
    this.mainPid = 0;
    this.statusText = '';
    this.processes.length = 0;
    this.execMain = undefined;
    this.ctx.journal.manager(this.name, `Starting ${this.label}...`);
    const type = effectiveServiceType(unit.settings.service);
    // systemd: a oneshot has no start timeout unless one is set.
    const timeoutStart = startTimeoutOf(unit.settings.service);
    let plans: PlannedCommand[];
    try {
      if (unit.settings.exec.privateTmp) this.privateTmp = createPrivateTmp(this.name);
      await this.removing;
      this.cgroup = this.cgroup ?? createServiceCgroupReclaiming(this.name);
      this.reportLeftovers();
      createExecDirectories(unit.settings.exec, readUserDatabase('/'));
      plans = [...(await this.planCommands(unit)).commands];
    } catch (e) {
      this.ctx.journal.manager(this.name, `${this.name}: Failed to set up the service: ${(e as Error).message}`, 3);
      return this.finish('resources', true);
    }
    const of = (kind: string): PlannedCommand[] => plans.filter((p) => p.command.kind === kind);

    this.setSub('condition');
    const condition = await this.runPhase(of('ExecCondition'), 'condition', timeoutStart);
    if (condition.kind === 'timeout') return this.failStartQuietly('timeout');
    if (condition.kind === 'failed') {
      const end = condition.end;
      if (end.kind === 'exited' && end.code >= 1 && end.code <= 254) {
        // systemd: exit 1-254 skips the unit (Result=exec-condition, inactive, not failed); ExecStopPost= still runs.
        this.conditionResult = false;
        return this.doStop('exec-condition', true, true);
      }
      return this.failStart(end, 'Condition check process', true);
    }

    this.setSub('start-pre');
    const pre = await this.runPhase(of('ExecStartPre'), 'start-pre', timeoutStart);
    if (pre.kind === 'timeout') return this.failStartQuietly('timeout');
    if (pre.kind === 'failed') return this.failStart(pre.end, 'Control process', true);

    this.setSub('start');
    const starts = of('ExecStart');
    if (type === 'oneshot') {
      const main = await this.runPhase(starts, 'start', timeoutStart, true);
      if (main.kind === 'timeout') return this.failStartQuietly('timeout');
      if (main.kind === 'failed') return this.failStart(main.end, 'Main process', true);
    } else if (type === 'forking') {
      const forked = await this.startForking(starts[0], timeoutStart);
      if (forked !== undefined) return forked;
    } else {
      const p = starts[0];
      if (p === undefined) {
        this.ctx.journal.manager(this.name, `${this.name}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`, 3);
        return this.finish('resources', true);
      }
      const notify = type === 'notify' || type === 'notify-reload' ? join(this.ctx.runtimeDir, 'notify', this.name) : undefined;
      const started = await this.launchCommand(p, { main: true, ...(notify !== undefined ? { notifySocket: notify } : {}) });
      if (started.kind === 'failed') {
        // Type=simple (and idle) counts as started once forked: the exec failing is the main process
        // exiting right after; Type=exec and notify wait for it, so their start fails.
        if (type === 'simple' || type === 'idle' || type === 'dbus') {
          this.setSub('running');
          this.ctx.journal.manager(this.name, `Started ${this.label}.`);
          this.ctx.journal.manager(this.name, `${this.name}: Main process exited, ${describeEnd(started.end)}`, 5);
          await this.doStop(resultOfEnd(started.end), false, true);
          return 'done';
        }
        return this.failStart(started.end, 'Main process', true);
      }
      const handle = started.handle;
      this.mainHandle = handle;
      const mainEnded = handle.exited.then((s) => this.onMainExit(toEnd(s)));
      if (notify !== undefined) {
        handle.onNotify(() => this.onNotifyState(handle.notifyState()));
        const ready = await raceTimeout(handle.ready, timeoutStart);
        this.statusText = handle.notifyState().statusText ?? '';
        if (ready === 'timeout') {
          this.ctx.journal.manager(this.name, `${this.name}: start operation timed out. Terminating.`, 4);
          return this.failStartQuietly('timeout');
        }
        if (!ready) {
          await mainEnded;
          const end = this.mainEnd() ?? { kind: 'exited', code: 0 };
          if (resultOfEnd(end) === 'success') {
            this.ctx.journal.manager(this.name, `${this.name}: Main process exited before READY=1.`, 4);
            return this.finish('protocol', true);
          }
          return this.failStart(end, 'Main process', false);
        }
      }
    }

    this.setSub('start-post');
    const post = await this.runPhase(of('ExecStartPost'), 'start-post', timeoutStart);
    if (post.kind === 'timeout') {
      // systemd: a start-post timeout goes the whole stop way, ExecStop= included.
      this.setSub('running');
      await this.doStop('timeout', false, true);
      this.ctx.journal.manager(this.name, `Failed to start ${this.label}.`, 3);
      return 'failed';
    }
    if (post.kind === 'failed') {
      this.ctx.journal.manager(this.name, `${this.name}: Control process exited, ${describeEnd(post.end)}`, 5);
      // systemd: a failing ExecStartPost= skips ExecStop= and goes straight to SIGTERM.
      await this.doStop('exit-code', true);
      this.ctx.journal.manager(this.name, `Failed to start ${this.label}.`, 3);
      return 'failed';
    }

    if (type === 'oneshot') {
      if (unit.settings.service.remainAfterExit) {
        this.setSub('exited');
        this.ctx.journal.manager(this.name, `Finished ${this.label}.`);
        return 'done';
      }
      await this.doStop('success', false, true);
      this.ctx.journal.manager(this.name, `Finished ${this.label}.`);
      return 'done';
    }
    if (type === 'forking') {
      this.setSub('running');
      this.ctx.journal.manager(this.name, `Started ${this.label}.`);
      this.watchForeignMain();
      return 'done';
    }
    const endedEarly = this.mainEnd();
    if (this.mainHandle !== undefined && endedEarly !== undefined && this.sub === 'start-post') {
      // The main process ended before the start was through (at once, or during ExecStartPost=).
      // As systemd: the start job is done (the service ran), then the unit goes down by the stop
      // path that a running unit's end takes, failed if the main process failed.
      this.setSub('running');
      this.ctx.journal.manager(this.name, `Started ${this.label}.`);
      const result = resultOfEnd(endedEarly, { main: true, successStatuses: unit.settings.service.successExitStatus.statuses, successSignals: unit.settings.service.successExitStatus.signals });
      if (result !== 'success') this.ctx.journal.manager(this.name, `${this.name}: Main process exited, ${describeEnd(endedEarly)}`, 5);
      await this.doStop(result, false, true);
      return 'done';
    }
    if (this.mainHandle === undefined || endedEarly !== undefined) {
      await this.busyStop;
      return this.sub === 'failed' ? 'failed' : 'done';
    }
    this.setSub('running');
    this.ctx.journal.manager(this.name, `Started ${this.label}.`);
    return 'done';
  }

  /**
   * A notify service's messages after the start: STATUS=, and RELOADING=1 ... READY=1 taking the
   * unit through `reload` and back, as systemd's service_enter_reload_by_notify (with its reload
   * job's "Reloading"/"Reloaded" lines).
   */
  private onNotifyState(state: NotifyState): void {
    this.statusText = state.statusText ?? this.statusText;
    if (state.reloading && this.sub === 'running') {
      this.notifyReloading = true;
      this.setSub('reload');
      this.ctx.journal.manager(this.name, `Reloading ${this.label}...`);
    } else if (!state.reloading && this.notifyReloading && this.sub === 'reload') {
      this.notifyReloading = false;
      this.reloadResult = 'success';
      this.setSub('running');
      this.ctx.journal.manager(this.name, `Reloaded ${this.label}.`);
    }
  }

  private notifyReloading = false;

  /** A start that timed out (or whose main PID never showed): the stop path without ExecStop=, then "Failed to start". */
  private async failStartQuietly(result: ServiceResult): Promise<JobResult> {
    await this.doStop(result, true);
    this.ctx.journal.manager(this.name, `Failed to start ${this.label}.`, 3);
    return 'failed';
  }

  /**
   * Type=forking: ExecStart= is a control process; once it exits successfully the main PID comes
   * from PIDFile= (waited for until TimeoutStartSec=) or, with GuessMainPID=yes, is the one process
   * left in the cgroup whose parent is outside it. Undefined when the start goes on.
   */
  private async startForking(p: PlannedCommand | undefined, timeoutUs: number): Promise<JobResult | undefined> {
    if (p === undefined) {
      this.ctx.journal.manager(this.name, `${this.name}: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.`, 3);
      return this.finish('resources', true);
    }
    const deadline = Date.now() + Math.min(timeoutUs, 2 ** 40) / 1000;
    const ran = await this.runPhase([{ ...p, ignoreFailure: false }], 'start', timeoutUs);
    if (ran.kind === 'timeout') return this.failStartQuietly('timeout');
    if (ran.kind === 'failed') return this.failStart(ran.end, 'Control process', true);
    const svc = (this.running ?? this.unit).settings.service;
    let pid = 0;
    if (svc.pidFile !== undefined) {
      let complained = false;
      for (;;) {
        const got = readPidFile(svc.pidFile, this.cgroupDirs);
        if (got.kind === 'pid') {
          if (got.foreign) this.ctx.journal.manager(this.name, `${this.name}: Supervising process ${got.pid} which is not our child. We'll most likely not notice when it exits.`, 4);
          pid = got.pid;
          break;
        }
        if (!complained) {
          complained = true;
          this.ctx.journal.manager(this.name, got.kind === 'refused'
            ? `${this.name}: New main PID ${got.pid} does not belong to service, and PID file is not owned by root. Refusing.`
            : `${this.name}: Can't open PID file ${svc.pidFile} (yet?) after start: ${got.message}`, 4);
        }
        if (cgroupMembers(this.cgroupDirs).length === 0) return this.failStartQuietly('protocol');
        if (Date.now() >= deadline) {
          this.ctx.journal.manager(this.name, `${this.name}: start operation timed out. Terminating.`, 4);
          return this.failStartQuietly('timeout');
        }
        await sleep(50);
      }
    } else if (svc.guessMainPID) {
      pid = guessMainPid(this.cgroupDirs);
    }
    if (pid > 0) {
      this.mainPid = pid;
      this.execMain = { kind: 'ExecStart', pid, argv: p.command.argv, startUs: nowUs() };
    } else if (cgroupMembers(this.cgroupDirs).length === 0) {
      // Nothing stayed: systemd's "cgroup empty" in start-post or running ends the unit.
      this.setSub('running');
      await this.doStop('success', false, true);
      return 'done';
    }
    return undefined;
  }

  /**
   * The main process of a forking service is not the daemon's child: its end is seen by polling
   * (its /proc entry going, or the cgroup emptying when no main PID is known); its exit status is
   * unknown and counted as success, as systemd counts a main process it cannot wait for.
   */
  private watchForeignMain(): void {
    const pid = this.mainPid;
    const startTime = pid > 0 ? procStartTime(pid) : undefined;
    const timer = setInterval(() => {
      if (this.sub !== 'running' && this.sub !== 'reload') {
        if (!this.isUp) clearInterval(timer);
        return;
      }
      const gone = pid > 0 ? procStartTime(pid) !== startTime : cgroupMembers(this.cgroupDirs).length === 0;
      if (!gone) return;
      clearInterval(timer);
      if (this.mainPid === pid && pid > 0) this.onMainExit({ kind: 'exited', code: 0 });
      else if (pid === 0) this.busyStop = this.serialize(() => (this.isUp ? this.doStop('success', false, true) : Promise.resolve<JobResult>('done')));
    }, 200);
    timer.unref();
  }

  /** Processes an earlier invocation left (KillMode=process/none) are noted, as systemd notes them. */
  private reportLeftovers(): void {
    for (const pid of cgroupMembers(this.cgroupDirs)) {
      this.ctx.journal.manager(this.name, `${this.name}: Found left-over process ${pid} (${procComm(pid)}) in control group while starting unit. Ignoring.`, 4);
      this.ctx.journal.manager(this.name, 'This usually indicates unclean termination of a previous run, or service implementation deficiencies.', 4);
    }
  }

  private busyStop?: Promise<JobResult>;
  /** The last invocation's cgroup removal, which the next start waits for. */
  private removing: Promise<unknown> = Promise.resolve();

  /** How the main process ended, once it has (a method, so no narrowing outlives an await). */
  private mainEnd(): ProcessEnd | undefined {
    return this.execMain?.end;
  }

  /** The main process ended by itself while the service ran: the stop path, outside any job. */
  private onMainExit(end: ProcessEnd): void {
    if (this.execMain) (this.execMain.end = end), (this.execMain.exitUs = nowUs());
    const result = resultOfEnd(end, { main: true, successStatuses: this.unit.settings.service.successExitStatus.statuses, successSignals: this.unit.settings.service.successExitStatus.signals });
    if (result !== 'success' && ['stop', 'stop-sigterm', 'stop-post', 'final-sigterm'].includes(this.sub)) {
      this.ctx.journal.manager(this.name, `${this.name}: Main process exited, ${describeEnd(end)}`, 5);
    }
    // Ended while the start is still under way (it can end before launch() has even returned):
    // doStart sees it once ExecStartPost= is through and runs the stop path itself.
    if (this.sub === 'start' || this.sub === 'start-post') return;
    if (this.sub === 'running' || this.sub === 'reload') {
      if (result !== 'success') this.ctx.journal.manager(this.name, `${this.name}: Main process exited, ${describeEnd(end)}`, 5);
      const stop = (): Promise<JobResult> => (this.isUp ? this.doStop(result, false, true) : Promise.resolve('done'));
      // During a reload the stop waits for the reload job to end (serialize), then runs.
      this.busyStop = this.serialize(stop);
    }
  }

  private async failStart(end: ProcessEnd, who: 'Control process' | 'Main process' | 'Condition check process', skipStop: boolean): Promise<JobResult> {
    this.ctx.journal.manager(this.name, `${this.name}: ${who} exited, ${describeEnd(end)}`, 5);
    const result: ServiceResult = end.kind === 'signaled' ? 'signal' : 'exit-code';
    await this.doStop(result, skipStop);
    this.ctx.journal.manager(this.name, `Failed to start ${this.label}.`, 3);
    return 'failed';
  }

  /** ExecReload= with MAINPID, one after the other; a failure leaves the unit running with ReloadResult=exit-code. */
  private async doReload(): Promise<JobResult> {
    if (!this.isUp) {
      this.ctx.journal.manager(this.name, `${this.name}: Unit cannot be reloaded because it is inactive.`, 4);
      return 'invalid';
    }
    const unit = this.running ?? this.unit;
    const back = this.sub;
    this.setSub('reload');
    this.ctx.journal.manager(this.name, `Reloading ${this.label}...`);
    let plans: readonly PlannedCommand[] = [];
    try {
      plans = (await this.planCommands(unit)).commands;
    } catch (e) {
      this.ctx.journal.manager(this.name, `${this.name}: Failed to plan ExecReload=: ${(e as Error).message}`, 3);
    }
    const env = this.mainPid > 0 && this.mainEnd() === undefined ? [`MAINPID=${this.mainPid}`] : [];
    let result: ServiceResult = 'success';
    const timeoutUs = startTimeoutOf(unit.settings.service);
    for (const p of plans.filter((c) => c.command.kind === 'ExecReload')) {
      // systemd: a reload past TimeoutStartSec= has its control process killed, ReloadResult=timeout.
      let timedOut = false;
      let ended = false;
      let timer: NodeJS.Timeout | undefined;
      const expire = (): void => {
        // Still being launched: its pid is not known yet, look again shortly.
        if (this.controlPid <= 0 && !ended) {
          timer = setTimeout(expire, 50);
          return;
        }
        if (ended || !alive(this.controlPid)) return;
        timedOut = true;
        this.ctx.journal.manager(this.name, `${this.name}: Reload operation timed out. Killing reload process.`, 4);
        try {
          process.kill(this.controlPid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      };
      if (Number.isFinite(timeoutUs)) timer = setTimeout(expire, Math.min(timeoutUs, 2 ** 31) / 1000);
      const end = await this.runControl(p, false, env);
      ended = true;
      clearTimeout(timer);
      if (timedOut) {
        result = 'timeout';
        break;
      }
      if (!p.ignoreFailure && resultOfEnd(end, { main: false }) !== 'success') {
        this.ctx.journal.manager(this.name, `${this.name}: Control process exited, ${describeEnd(end)}`, 5);
        result = end.kind === 'signaled' ? 'signal' : 'exit-code';
        break;
      }
    }
    this.reloadResult = result;
    if (this.sub === 'reload') this.setSub(back);
    if (result !== 'success') {
      this.ctx.journal.manager(this.name, `Reload failed for ${this.label}.`, 3);
      return 'failed';
    }
    this.ctx.journal.manager(this.name, `Reloaded ${this.label}.`);
    return 'done';
  }

  private killSignalOf(unit: LoadedUnit, restarting = false): number {
    const s = unit.settings.service;
    return restarting ? s.restartKillSignal ?? s.killSignal : s.killSignal;
  }

  /** Sends a signal as KillMode= says: to every process of the cgroup, or to the main process only. */
  private signalUnit(signal: number, whom: 'all' | 'main'): void {
    const name = signalName(signal) ?? 'SIGTERM';
    if (whom === 'all') {
      signalCgroups(this.cgroupDirs, name);
      if (name !== 'SIGKILL' && name !== 'SIGCONT') signalCgroups(this.cgroupDirs, 'SIGCONT');
      return;
    }
    const pid = this.mainPid > 0 && this.mainEnd() === undefined ? this.mainPid : 0;
    if (pid <= 0) return;
    for (const sig of name !== 'SIGKILL' && name !== 'SIGCONT' ? [name, 'SIGCONT' as const] : [name]) {
      try {
        process.kill(pid, sig);
      } catch {
        // gone meanwhile
      }
    }
  }

  /**
   * ExecStop= (unless skipped) -> KillSignal= as KillMode= says -> FinalKillSignal= after
   * TimeoutStopSec= -> ExecStopPost= -> what is left killed -> cgroup and private /tmp removed.
   */
  private async doStop(result: ServiceResult, skipExecStop: boolean, quiet = false, restarting = false): Promise<JobResult> {
    const unit = this.running ?? this.unit;
    const s = unit.settings.service;
    this.result = combineResult(this.result, result);
    const wasUp = this.isUp;
    if (wasUp && !quiet) this.ctx.journal.manager(this.name, `Stopping ${this.label}...`);
    let plans: readonly PlannedCommand[] = [];
    try {
      plans = (await this.planCommands(unit)).commands;
    } catch {
      // The unit's file is gone or broken: stop without its stop commands, as systemd still can.
    }
    const mainEnv = this.mainPid > 0 && this.mainEnd() === undefined ? [`MAINPID=${this.mainPid}`] : [];
    if (!skipExecStop && wasUp) {
      this.setSub('stop');
      for (const p of plans.filter((c) => c.command.kind === 'ExecStop')) {
        const end = await this.runControl(p, false, mainEnv);
        if (!p.ignoreFailure && resultOfEnd(end, { main: false }) !== 'success') this.result = combineResult(this.result, 'exit-code');
      }
    }
    this.setSub('stop-sigterm');
    const timeoutStop = stopTimeoutOf(s);
    if (s.killMode !== 'none') {
      await this.killAndWait(this.killSignalOf(unit, restarting), timeoutStop, s, s.killMode === 'control-group' ? 'all' : 'main', 'stop-sigterm');
    }
    if (this.mainHandle) {
      // A main process still alive here was spared (KillMode=none, SendSIGKILL=no): no waiting for it.
      const spared = this.mainPid > 0 && this.mainEnd() === undefined && alive(this.mainPid);
      await raceTimeout(this.mainHandle.exited.catch(() => undefined), spared ? 0 : timeoutStop);
      this.mainHandle = undefined;
    }
    this.setSub('stop-post');
    const end = this.mainEnd();
    const postEnv = [
      `SERVICE_RESULT=${this.result}`,
      ...(end ? [`EXIT_CODE=${end.kind === 'exited' ? 'exited' : 'killed'}`, `EXIT_STATUS=${end.kind === 'exited' ? end.code : signalName(end.signal)?.replace(/^SIG/, '') ?? end.signal}`] : []),
    ];
    for (const p of plans.filter((c) => c.command.kind === 'ExecStopPost')) {
      const e = await this.runControl(p, false, postEnv);
      if (!p.ignoreFailure && resultOfEnd(e, { main: false }) !== 'success') this.result = combineResult(this.result, 'exit-code');
    }
    this.setSub('final-sigterm');
    // KillMode=mixed: the rest of the cgroup gets FinalKillSignal= now (systemd's final-sigkill);
    // process and none leave it running, as systemd does.
    if (s.killMode === 'control-group') await this.killAndWait(s.killSignal, timeoutStop, s, 'all', 'final-sigterm');
    if (s.killMode === 'mixed' && s.sendSIGKILL && cgroupMembers(this.cgroupDirs).length > 0) {
      this.signalUnit(s.finalKillSignal, 'all');
      const deadline = Date.now() + Math.min(timeoutStop, 2 ** 31) / 1000;
      while (cgroupMembers(this.cgroupDirs).length > 0 && Date.now() < deadline) await sleep(20);
    }
    const r = this.result;
    return this.finish(r, false, wasUp && !quiet);
  }

  private finish(result: ServiceResult, failedStart: boolean, logStopped = false): JobResult {
    this.result = combineResult(this.result, result);
    const left = cgroupMembers(this.cgroupDirs);
    const reportLeft = (): void => {
      for (const pid of left) this.ctx.journal.manager(this.name, `${this.name}: Unit process ${pid} (${procComm(pid)}) remains running after unit stopped.`, 4);
    };
    if (left.length > 0) {
      // KillMode=process/none, SendSIGKILL=no: what stays keeps the cgroup, and the next start takes it over.
    } else {
      const dirs = this.cgroupDirs;
      this.cgroup = undefined;
      this.removing = removeCgroupTreesAsync(dirs).then((busy) => {
        if (busy.length > 0) this.ctx.journal.manager(this.name, `${this.name}: Failed to remove cgroup ${busy.join(' ')}: still busy`, 4);
      });
    }
    this.privateTmp?.remove();
    this.privateTmp = undefined;
    const ran = this.running ?? this.unit;
    const preserve = ran.settings.exec.runtimeDirectoryPreserve;
    const restartsNext = this.restarting || (!this.stopRequested && shallRestart(ran.settings.service, this.result, this.mainEnd()));
    if (preserve === 'no' || (preserve === 'restart' && !restartsNext)) removeRuntimeDirectories(ran.settings.exec);
    this.mainPid = 0;
    this.setSub(restingSubState(this.result));
    if (this.result === 'exec-condition') {
      this.ctx.journal.manager(this.name, `${this.name}: Skipped due to 'exec-condition'.`);
      this.ctx.journal.manager(this.name, `Condition check resulted in ${this.label} being skipped.`);
      return 'skipped';
    }
    if (this.result === 'success') {
      this.ctx.journal.manager(this.name, `${this.name}: Deactivated successfully.`);
      reportLeft();
      if (logStopped) this.ctx.journal.manager(this.name, `Stopped ${this.label}.`);
    } else {
      this.ctx.journal.manager(this.name, `${this.name}: Failed with result '${this.result}'.`, 4);
      reportLeft();
      if (logStopped) this.ctx.journal.manager(this.name, `Stopped ${this.label}.`);
      if (failedStart && result !== 'success') this.ctx.journal.manager(this.name, `Failed to start ${this.label}.`, 3);
    }
    this.scheduleRestart();
    return this.result === 'success' ? 'done' : 'failed';
  }

  /**
   * Signals the unit (every process of the cgroup, or the main process) and waits until they are
   * gone; after the timeout FinalKillSignal= (SIGKILL) when SendSIGKILL=yes, to every process of
   * the cgroup. SendSIGHUP= adds a SIGHUP right after the first signal.
   */
  private async killAndWait(signal: number, timeoutUs: number, s: { readonly sendSIGKILL: boolean; readonly sendSIGHUP: boolean; readonly finalKillSignal: number }, whom: 'all' | 'main', state: 'stop-sigterm' | 'final-sigterm'): Promise<void> {
    const dirs = this.cgroupDirs;
    const mainPid = this.mainPid > 0 && this.mainEnd() === undefined ? this.mainPid : 0;
    const remaining = (): boolean => (whom === 'all' ? cgroupMembers(dirs).length > 0 : mainPid > 0 && this.mainEnd() === undefined && alive(mainPid));
    if (dirs.length === 0 || !remaining()) return;
    this.signalUnit(signal, whom);
    if (s.sendSIGHUP) this.signalUnit(1, whom);
    const deadline = Date.now() + Math.min(timeoutUs, 2 ** 31) / 1000;
    while (remaining() && Date.now() < deadline) await sleep(20);
    if (remaining() && !s.sendSIGKILL) {
      this.ctx.journal.manager(this.name, `${this.name}: State '${state}' timed out. Skipping SIGKILL.${state === 'final-sigterm' ? ' Entering failed mode.' : ''}`, 4);
      this.result = combineResult(this.result, 'timeout');
    }
    if (remaining() && s.sendSIGKILL) {
      // systemd words it "Killing." whatever FinalKillSignal= is.
      this.ctx.journal.manager(this.name, `${this.name}: State '${state}' timed out. Killing.`, 4);
      this.result = combineResult(this.result, 'timeout');
      // KillMode=process kills only the main process; mixed and control-group the whole cgroup.
      const final = whom === 'main' && (this.running ?? this.unit).settings.service.killMode === 'process' ? 'main' : 'all';
      const victims = final === 'all' ? [...new Set(cgroupMembers(dirs))] : [mainPid];
      const sigName = signalName(s.finalKillSignal) ?? String(s.finalKillSignal);
      for (const pid of victims) this.ctx.journal.manager(this.name, `${this.name}: Killing process ${pid} (${procComm(pid)}) with signal ${sigName}.`, 5);
      this.signalUnit(s.finalKillSignal, final);
      const killDeadline = Date.now() + Math.min(timeoutUs, 2 ** 31) / 1000;
      while (remaining() && Date.now() < killDeadline) await sleep(20);
    }
  }

  /** Runs a control command (or a oneshot's ExecStart=) to its end; a command that cannot start ends with its exit status. */
  private async runControl(p: PlannedCommand, asMain = false, extraEnv: readonly string[] = []): Promise<ProcessEnd> {
    const started = await this.launchCommand(p, { main: asMain, extraEnv });
    if (started.kind === 'failed') return started.end;
    this.controlPid = asMain ? 0 : started.handle.pid;
    const end = toEnd(await started.handle.exited);
    // Output still pending is appended as it arrives; the state machine does not wait past 1 s
    // for a pipe whose other end something else may still hold.
    await Promise.race([started.output, sleep(1000)]);
    this.controlPid = 0;
    started.record.end = end;
    started.record.exitUs = nowUs();
    if (asMain) this.mainPid = 0;
    return end;
  }

  private async launchCommand(p: PlannedCommand, opts: { main: boolean; notifySocket?: string; extraEnv?: readonly string[] }): Promise<
    | { kind: 'started'; handle: LaunchHandle; record: ProcessRecord; output: Promise<void> }
    | { kind: 'failed'; end: ProcessEnd }
  > {
    const argv = p.command.argv;
    const record: ProcessRecord = { kind: p.command.kind, pid: 0, argv, startUs: nowUs() };
    const fail = (status: number, message: string): { kind: 'failed'; end: ProcessEnd } => {
      this.ctx.journal.manager(this.name, `${this.name}: ${message}`, 3);
      const end: ProcessEnd = { kind: 'exited', code: status };
      record.end = end;
      record.exitUs = nowUs();
      this.processes.push(record);
      if (opts.main) this.execMain = record;
      return { kind: 'failed', end };
    };
    if (p.plan === undefined || this.cgroup === undefined) {
      const status = p.error?.status ?? 'EXEC';
      return fail(EXIT_STATUS_NAMES[status] ?? EXIT_STATUS.FAILURE, `Failed at step ${status.toUpperCase()} spawning ${p.command.path}: ${p.error?.message ?? 'no plan'}`);
    }
    const plan = withManagerEnvironment(p.plan, this.invocationId, opts);
    let handle: LaunchHandle;
    try {
      if (opts.notifySocket !== undefined) mkdirSync(join(this.ctx.runtimeDir, 'notify'), { recursive: true, mode: 0o755 });
      const launchable = serviceCommandLaunchable(plan, this.cgroup);
      // The tag is what a later daemon finds the launch by in the resident's HELLO.
      const tag = Buffer.from(JSON.stringify({ unit: this.name, invocationId: this.invocationId, kind: p.command.kind, main: opts.main }));
      handle = this.ctx.supervisor
        ? await this.ctx.supervisor.launch(launchable, { stdout: 'pipe', stderr: 'pipe', tag })
        : await launch(launchable, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      if (e instanceof SandboxSetupError) {
        const status = exitStatusForStep(e.step as Parameters<typeof exitStatusForStep>[0]);
        return fail(EXIT_STATUS[status], `Failed at step ${status} spawning ${p.command.path}: ${e.errnoText}`);
      }
      return fail(EXIT_STATUS.FAILURE, `Failed to spawn ${p.command.path}: ${(e as Error).message}`);
    }
    (record as { pid: number }).pid = handle.pid;
    this.processes.push(record);
    if (opts.main) {
      this.execMain = record;
      this.mainPid = handle.pid;
      if ('launchId' in handle && typeof handle.launchId === 'number') this.mainLaunchId = handle.launchId;
      this.saveState();
    }
    const origin = { unit: this.name, pid: handle.pid, invocationId: this.invocationId, argv0: argv[0] ?? p.command.path, ...journalStreamOf((this.running ?? this.unit).settings.exec) };
    const output = Promise.all([streamToJournal(handle.stdout, origin, this.ctx.journal), streamToJournal(handle.stderr, origin, this.ctx.journal)]).then(() => undefined);
    return { kind: 'started', handle, record, output };
  }

  /** The pids in the service's cgroup (the tracking hierarchy's), for status. */
  cgroupPids(): number[] {
    const dir = this.cgroupDirs[0];
    return dir === undefined ? [] : cgroupMembers([dir]);
  }

  /** The command lines of this unit's commands, for `status` and `show`. */
  commandsOf(kind: string): readonly ExecCommand[] {
    const s = (this.running ?? this.unit).settings.service;
    const byKind: Record<string, readonly ExecCommand[]> = { ExecCondition: s.execCondition, ExecReload: s.execReload, ExecStartPre: s.execStartPre, ExecStart: s.execStart, ExecStartPost: s.execStartPost, ExecStop: s.execStop, ExecStopPost: s.execStopPost };
    return byKind[kind] ?? [];
  }

  /**
   * systemctl kill: a signal to the main process, the control process, or every process of the
   * cgroup; straight to the process (a supervisor cannot pass SIGSTOP on). The state machine sees
   * what follows as it sees any death.
   */
  kill(signal: NodeJS.Signals, whom: 'main' | 'control' | 'all'): void {
    if (whom === 'main') {
      if (this.mainPid <= 0) throw new NoSuchProcessError(this.name, 'main');
      process.kill(this.mainPid, signal);
    } else if (whom === 'control') {
      if (this.controlPid <= 0) throw new NoSuchProcessError(this.name, 'control');
      process.kill(this.controlPid, signal);
    } else if (this.cgroupDirs.length > 0) signalCgroups(this.cgroupDirs, signal);
  }

  /** reset-failed: a failed unit rests as inactive with a clean result, and its start limit starts over. */
  resetFailed(): void {
    if (this.sub === 'failed') this.setSub('dead');
    if (this.activeState === 'inactive') this.result = 'success';
    this.startTimes = [];
  }

  /** Waits for whatever job or stop is under way, and for the cgroup's removal (daemon shutdown). */
  async settle(): Promise<void> {
    await this.busy?.catch(() => undefined);
    await this.busyStop?.catch(() => undefined);
    await this.removing;
  }
}

const toEnd = (s: { kind: 'exited'; code: number } | { kind: 'signaled'; signal: NodeJS.Signals }): ProcessEnd =>
  s.kind === 'exited' ? { kind: 'exited', code: s.code } : { kind: 'signaled', signal: signalNumber(s.signal) };


/**
 * The variables the manager adds to every command (systemd.exec(5) "Environment Variables in
 * Spawned Processes"): INVOCATION_ID, NOTIFY_SOCKET for notify services, the stop commands'
 * MAINPID/SERVICE_RESULT/EXIT_*, and SYSTEMD_EXEC_PID (the helper sets it after the fork); the
 * notify socket the helper binds and relays.
 */
function withManagerEnvironment(plan: Plan, invocationId: string, opts: { notifySocket?: string; extraEnv?: readonly string[] }): Plan {
  const add = [`INVOCATION_ID=${invocationId}`, ...(opts.notifySocket !== undefined ? [`NOTIFY_SOCKET=${opts.notifySocket}`] : []), ...(opts.extraEnv ?? [])];
  const names = new Set(add.map((a) => a.slice(0, a.indexOf('='))));
  const env = [...plan.process.env.filter((a) => !names.has(a.slice(0, a.indexOf('=')))), ...add];
  const supervisor = opts.notifySocket !== undefined
    ? { ...plan.supervisor, notify: { hostPath: opts.notifySocket, forwardReady: 'on-ready' as const }, cleanup: [...(plan.supervisor?.cleanup ?? []), { kind: 'unlink' as const, path: opts.notifySocket }] }
    : plan.supervisor;
  return { ...plan, process: { ...plan.process, env, pidEnv: 'SYSTEMD_EXEC_PID' }, ...(supervisor !== undefined ? { supervisor } : {}) };
}

/**
 * The service's cgroup; an empty one left by an earlier invocation (a daemon killed before it
 * could remove it) is taken over, one that still holds processes is an error naming it.
 */
function createServiceCgroupReclaiming(unit: string): ServiceCgroup {
  try {
    return createServiceCgroup(unit);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const path = (err as NodeJS.ErrnoException).path;
    if (path === undefined) throw err;
    try {
      rmdirSync(path);
    } catch {
      throw new ServiceCgroupBusyError(unit, path);
    }
    return createServiceCgroupReclaiming(unit);
  }
}

/** Resolves with the promise's value, or 'timeout' after `timeoutUs` (infinite: never). */
function raceTimeout<T>(p: Promise<T>, timeoutUs: number): Promise<T | 'timeout'> {
  if (!Number.isFinite(timeoutUs)) return p;
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.min(timeoutUs, 2 ** 31) / 1000)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A process that exists and is not a zombie. */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}
