// The manager: the units it has loaded, the jobs it runs on them (built by jobs.ts), and what
// `status`/`show` report. Units load from the search path when first named and are dropped again
// when inactive with nothing referring to them, as systemd garbage-collects them.
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { processCommandLine, processName } from '../launch/proc-info.js';
import { timestamp } from './timestamp.js';
import { loadUnit, type LoadedUnit } from '../unit/load.js';
import { UnitNotLoadedError } from '../service/errors.js';
import { effectiveServiceType, startTimeoutOf, stopTimeoutOf } from '../unit/settings.js';
import { describeCondition, type ConditionOutcome } from '../unit/conditions.js';
import { checkConditions } from './condition-check.js';
import { formatTimeSpan } from '../unit/values.js';
import { buildTransaction, JobTypeNotApplicableError, JobUnitNotFoundError, type JobType, type PlannedJob, type UnitDependencies } from './jobs.js';
import type { JournalSink } from './journal-sink.js';
import type { AnyJobVerb, ConditionCheck, JobAnswer, JobListEntry, KillWhom, ProcessInfo, UnitListEntry, UnitStatus } from './protocol.js';
import { UnitNotInMemoryError } from './errors.js';
import { readUnitFileTree } from '../service/enablement.js';
import { presetOf, showsPreset, unitFileState, type UnitFileTree } from '../unit/install.js';
import { describeEnd, Service, type JobResult } from './service.js';
import { activeStateOf, isActiveLike } from './states.js';
import type { ResidentSupervisor } from '../launch/index.js';
import { readUnitStates } from './unit-state.js';

export interface ManagerOptions {
  readonly journal: JournalSink;
  readonly runtimeDir: string;
  /** SYSTEMD_UNIT_PATH's value for the daemon. */
  readonly unitPath?: string;
  /** Where service commands start (the daemon's resident supervisor); else a helper per launch. */
  readonly supervisor?: ResidentSupervisor;
}

interface Loaded {
  readonly unit: LoadedUnit;
  readonly loadedAtMs: number;
  readonly service?: Service;
  /** A unit without commands (a target): just up or down. */
  up: boolean;
}

const DEPENDENCY_KEYS = ['requires', 'requisite', 'wants', 'bindsTo', 'partOf', 'conflicts'] as const;

export class Manager {
  private readonly units = new Map<string, Loaded>();
  /** Units with jobs under way, and how many. */
  private readonly pinned = new Map<string, number>();

  constructor(private readonly opts: ManagerOptions) {}

  /** Jobs under way, by id (list-jobs). */
  private readonly jobTable = new Map<number, { id: number; unit: string; type: string; state: 'waiting' | 'running' }>();
  private nextJobId = 1;
  /** The search path's unit files and links, read once per daemon-reload (systemd caches UnitFileState so too). */
  private unitFiles: Promise<UnitFileTree> | undefined;

  /** Loads under way, so two requests naming one unit at once get one Service. */
  private readonly loading = new Map<string, Promise<Loaded>>();

  private load(name: string): Promise<Loaded> {
    const had = this.units.get(name);
    if (had) return Promise.resolve(had);
    const pending = this.loading.get(name);
    if (pending) return pending;
    const p = this.loadNow(name).finally(() => this.loading.delete(name));
    this.loading.set(name, p);
    return p;
  }

  private async loadNow(name: string): Promise<Loaded> {
    const unit = await loadUnit(name, { ...(this.opts.unitPath !== undefined ? { unitPath: this.opts.unitPath } : {}) });
    const entry: Loaded = {
      unit, loadedAtMs: Date.now(), up: false,
      ...(unit.loadState === 'loaded' && unit.name.endsWith('.service') ? { service: new Service(unit, { journal: this.opts.journal, runtimeDir: this.opts.runtimeDir, ...(this.opts.unitPath !== undefined ? { unitPath: this.opts.unitPath } : {}), ...(this.opts.supervisor ? { supervisor: this.opts.supervisor } : {}) }) } : {}),
    };
    // Keep only what loaded (or what runs): a name that is not found is looked up again next time.
    if (unit.loadState !== 'loaded') return entry;
    // An alias and its unit loading at once: the first one in wins.
    const existing = this.units.get(unit.name);
    if (existing) return existing;
    this.units.set(unit.name, entry);
    return entry;
  }

  /** Loads the unit and everything its dependencies name, so the transaction sees the whole graph. */
  private async loadClosure(name: string): Promise<void> {
    const seen = new Set<string>();
    const queue = [name];
    while (queue.length > 0) {
      const n = queue.shift()!;
      if (seen.has(n)) continue;
      seen.add(n);
      const l = await this.load(n);
      if (l.unit.loadState !== 'loaded') continue;
      for (const k of DEPENDENCY_KEYS) queue.push(...l.unit.settings.unit[k]);
    }
  }

  private dependencies = (name: string): UnitDependencies | undefined => {
    const l = this.units.get(name);
    if (!l || l.unit.loadState !== 'loaded') return undefined;
    return l.unit.settings.unit;
  };

  private isActive = (name: string): boolean => {
    const l = this.units.get(name);
    if (!l) return false;
    return l.service ? l.service.activeState !== 'inactive' && l.service.activeState !== 'failed' : l.up;
  };

  /**
   * What systemd starts when it comes up: default.target (usually an alias of multi-user.target)
   * or else multi-user.target, with everything they want (the units `enable` linked into their
   * .wants/). Nothing when the unit path has neither. Resolves with the target started.
   */
  async startDefault(): Promise<string | undefined> {
    for (const name of ['default.target', 'multi-user.target']) {
      const l = await this.load(name);
      if (l.unit.loadState !== 'loaded') continue;
      await this.job(l.unit.name, 'start');
      return l.unit.name;
    }
    this.collectGarbage();
    return undefined;
  }

  /**
   * Runs a job request and every job it pulls in; resolves with the anchor job's result.
   * try-restart of an inactive unit does nothing; reload-or-restart reloads an active unit that
   * can reload and restarts (starts) otherwise; reload is the unit's alone (ExecReload=).
   */
  async job(name: string, verb: AnyJobVerb): Promise<JobAnswer> {
    const requested = await this.load(name);
    if (requested.unit.loadState !== 'loaded') {
      if (requested.unit.loadState === 'not-found') throw new JobUnitNotFoundError(name);
      throw new UnitNotLoadedError(requested.unit.name, requested.unit.loadState, requested.unit.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`));
    }
    const unitName = requested.unit.name;
    const service = requested.service;
    const active = this.isActive(unitName);
    if (verb === 'try-restart' && !active) return { unit: unitName, type: verb, result: 'done' };
    const reload = verb === 'reload' || (verb === 'reload-or-restart' && active && service?.canReload === true);
    if (reload) {
      if (!service?.canReload) throw new JobTypeNotApplicableError('reload', unitName);
      this.pinned.set(unitName, (this.pinned.get(unitName) ?? 0) + 1);
      let result: JobResult;
      try {
        result = await service.reload();
      } finally {
        this.unpin([unitName]);
      }
      this.collectGarbage();
      return { unit: unitName, type: verb, result };
    }
    const type: JobType = verb === 'start' || verb === 'stop' ? verb : 'restart';
    return { ...(await this.transaction(unitName, type)), type: verb };
  }

  private unpin(units: readonly string[]): void {
    for (const u of units) {
      const n = (this.pinned.get(u) ?? 1) - 1;
      if (n === 0) this.pinned.delete(u);
      else this.pinned.set(u, n);
    }
  }

  private async transaction(name: string, type: JobType): Promise<JobAnswer> {
    const requested = await this.load(name);
    await this.loadClosure(requested.unit.name);
    const jobs = buildTransaction({ unit: requested.unit.name, type }, this.dependencies, [...this.units.keys()], this.isActive);
    // Units with a job under way are not garbage: another transaction finishing must not drop them.
    for (const j of jobs) this.pinned.set(j.unit, (this.pinned.get(j.unit) ?? 0) + 1);
    let results: Map<string, JobResult>;
    try {
      results = await this.runJobs(jobs);
    } finally {
      this.unpin(jobs.map((j) => j.unit));
    }
    this.collectGarbage();
    return { unit: requested.unit.name, type, result: results.get(requested.unit.name) ?? 'done' };
  }

  private async runJobs(jobs: readonly PlannedJob[]): Promise<Map<string, JobResult>> {
    const results = new Map<string, JobResult>();
    const running = new Map<string, Promise<JobResult>>();
    const runOne = (job: PlannedJob): Promise<JobResult> => {
      const existing = running.get(job.unit);
      if (existing) return existing;
      const listed = { id: this.nextJobId++, unit: job.unit, type: job.type, state: 'waiting' as 'waiting' | 'running' };
      this.jobTable.set(listed.id, listed);
      const p = (async (): Promise<JobResult> => {
        const waits = await Promise.all(job.waitsFor.map((w) => runOne(jobs.find((j) => j.unit === w)!).then((r) => [w, r] as const)));
        listed.state = 'running';
        if (waits.some(([w, r]) => r !== 'done' && r !== 'skipped' && job.requiredJobs.includes(w)) || job.mustBeActive.some((u) => !this.isActive(u))) {
          this.opts.journal.manager(job.unit, `Dependency failed for ${this.label(job.unit)}.`, 3);
          return 'dependency';
        }
        const l = this.units.get(job.unit)!;
        if (l.service) return job.type === 'start' ? l.service.start() : job.type === 'stop' ? l.service.stop() : l.service.restart();
        const wasUp = l.up;
        if (job.type !== 'stop' && !wasUp) {
          const skipped = this.testTargetConditions(l);
          if (skipped !== undefined) return skipped;
        }
        l.up = job.type !== 'stop';
        if (l.up && !wasUp) this.opts.journal.manager(job.unit, `Reached target ${this.label(job.unit)}.`);
        if (!l.up && wasUp) this.opts.journal.manager(job.unit, `Stopped target ${this.label(job.unit)}.`);
        return 'done';
      })().finally(() => this.jobTable.delete(listed.id));
      running.set(job.unit, p);
      return p.then((r) => (results.set(job.unit, r), r));
    };
    await Promise.all(jobs.map(runOne));
    return results;
  }

  /** Condition*=/Assert*= of a unit without commands (a target), as for a service: skipped, or the job fails `assert`. */
  private testTargetConditions(l: Loaded): JobResult | undefined {
    return checkConditions(l.unit.name, l.unit.settings.unit, this.opts.journal, Date.now() * 1000).stop;
  }

  private label(name: string): string {
    const d = this.units.get(name)?.unit.settings.unit.description;
    return d !== undefined && d !== name ? `${name} - ${d}` : name;
  }

  /** Inactive units nothing refers to are dropped, so the next use reads the file again (systemd's GC). */
  private collectGarbage(): void {
    const referenced = new Set<string>();
    for (const l of this.units.values()) {
      if (!this.isActive(l.unit.name) && !(l.service?.sub === 'failed')) continue;
      for (const k of DEPENDENCY_KEYS) for (const n of l.unit.settings.unit[k]) referenced.add(n);
    }
    for (const [name, l] of this.units) {
      if (this.isActive(name) || l.service?.sub === 'failed' || l.service?.hasProcesses || referenced.has(name) || this.pinned.has(name)) continue;
      this.units.delete(name);
    }
  }

  /** daemon-reload: every loaded unit is read again; a running service keeps its invocation's commands. */
  async reload(): Promise<void> {
    this.unitFiles = undefined;
    for (const [name, l] of [...this.units]) {
      const unit = await loadUnit(name, { ...(this.opts.unitPath !== undefined ? { unitPath: this.opts.unitPath } : {}) });
      if (l.service) l.service.unit = unit;
      this.units.set(name, { ...l, unit, loadedAtMs: Date.now() });
    }
    this.collectGarbage();
  }

  /** Every unit in memory, by name (what `systemctl list-units --all` and the analyze security table start from). */
  list(): UnitListEntry[] {
    return [...this.units.values()].map(({ unit: u, service: s, up }) => ({
      id: u.name, loadState: u.loadState, description: u.settings.unit.description ?? u.name,
      activeState: s ? s.activeState : up ? 'active' : 'inactive', subState: s ? s.sub : up ? 'active' : 'dead',
      ...(u.name.endsWith('.service') ? { serviceType: u.settings.service.type ?? 'simple' } : {}),
      ...(u.fragmentPath !== undefined ? { fragmentPath: u.fragmentPath } : {}),
    })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async status(name: string): Promise<UnitStatus> {
    const l = await this.load(name);
    const u = l.unit;
    const s = l.service;
    const sub = s ? s.sub : l.up ? 'active' : 'dead';
    const activeState = s ? s.activeState : l.up ? 'active' : 'inactive';
    const fragmentExists = u.fragmentPath !== undefined && exists(u.fragmentPath);
    const loadState = u.loadState === 'loaded' && !fragmentExists ? 'not-found' : u.loadState;
    const needDaemonReload = u.loadState === 'loaded' && [u.fragmentPath, ...u.dropInPaths].some((p) => p !== undefined && mtimeMs(p) > l.loadedAtMs);
    const { state: unitFileState, preset: unitFilePreset } = u.loadState !== 'loaded' ? { state: '', preset: undefined } : await this.unitFileStateOf(u);
    const tasks = (s?.cgroupPids() ?? []).map((pid) => ({ pid, cmdline: processCommandLine(pid) }));
    const processes: ProcessInfo[] = (s?.processes ?? []).filter((p) => p.kind !== 'ExecStart' || p.end !== undefined).map((p) => ({
      kind: p.kind, pid: p.pid, argv: p.argv,
      ...(p.end ? { code: p.end.kind === 'exited' ? 'exited' as const : 'killed' as const, status: p.end.kind === 'exited' ? p.end.code : p.end.signal, statusText: describeEnd(p.end).replace(/^code=\w+, /, '') } : {}),
    }));
    const cgroupDir = s?.cgroupDirs[0];
    const status: Omit<UnitStatus, 'properties'> = {
      id: u.name, description: u.settings.unit.description ?? u.name, loadState, activeState, subState: sub, result: s?.result ?? 'success',
      ...(u.fragmentPath !== undefined ? { fragmentPath: u.fragmentPath } : {}),
      dropInPaths: u.dropInPaths, unitFileState, ...(unitFilePreset !== undefined ? { unitFilePreset } : {}), mainPid: s?.mainPid ?? 0, ...(s && s.mainPid > 0 ? { mainComm: processName(s.mainPid) } : {}), statusText: s?.statusText ?? '',
      stateChangeUs: s?.stateChangeUs ?? 0,
      ...(cgroupDir !== undefined ? { cgroupPath: '/' + relative('/sys/fs/cgroup', cgroupDir).split('/').slice(1).join('/') } : {}),
      tasks, processes, needDaemonReload,
      ...(s && s.conditionTimestampUs > 0 ? { condition: checkSummary(s.conditionResult, s.conditionTimestampUs, s.conditionOutcomes) } : {}),
      ...(s && s.assertTimestampUs > 0 ? { assert: checkSummary(s.assertResult, s.assertTimestampUs, s.assertOutcomes) } : {}),
    };
    return { ...status, properties: this.properties(l, status) };
  }

  /** `systemctl show`: the properties of this slice, in systemd's order (service ones first, then the unit's). */
  private properties(l: Loaded, st: Omit<UnitStatus, 'properties'>): [string, string][] {
    const u = l.unit;
    const s = l.service;
    const svc = u.settings.service;
    const out: [string, string][] = [];
    if (u.name.endsWith('.service') && u.loadState === 'loaded') {
      const main = s?.execMain;
      out.push(
        ['Type', effectiveServiceType(svc)], ['Restart', svc.restart],
        ...(svc.pidFile !== undefined ? [['PIDFile', svc.pidFile] as [string, string]] : []),
        ['NotifyAccess', svc.notifyAccess ?? (effectiveServiceType(svc).startsWith('notify') ? 'main' : 'none')],
        ['RestartUSec', formatTimeSpan(svc.restartSec)],
        ['TimeoutStartUSec', formatTimeSpan(startTimeoutOf(svc))], ['TimeoutStopUSec', formatTimeSpan(stopTimeoutOf(svc))],
        ['RemainAfterExit', yesNo(svc.remainAfterExit)], ['GuessMainPID', yesNo(svc.guessMainPID)],
        ['MainPID', String(st.mainPid)], ['ControlPID', String(s?.controlPid ?? 0)],
        ...(st.statusText !== '' ? [['StatusText', st.statusText] as [string, string]] : []),
        ['Result', st.result], ['ReloadResult', s?.reloadResult ?? 'success'], ['NRestarts', String(s?.nRestarts ?? 0)],
        ['ExecMainStartTimestamp', timestamp(main?.startUs ?? 0)], ['ExecMainExitTimestamp', timestamp(main?.exitUs ?? 0)],
        ['ExecMainPID', String(main?.pid ?? 0)],
        ['ExecMainCode', String(main?.end === undefined ? 0 : main.end.kind === 'exited' ? 1 : 2)],
        ['ExecMainStatus', String(main?.end === undefined ? 0 : main.end.kind === 'exited' ? main.end.code : main.end.signal)],
        ...(st.cgroupPath !== undefined ? [['ControlGroup', st.cgroupPath] as [string, string]] : []),
        ['KillMode', svc.killMode], ['KillSignal', String(svc.killSignal)], ['RestartKillSignal', String(svc.restartKillSignal ?? svc.killSignal)],
        ['FinalKillSignal', String(svc.finalKillSignal)], ['SendSIGKILL', yesNo(svc.sendSIGKILL)], ['SendSIGHUP', yesNo(svc.sendSIGHUP)],
      );
    }
    out.push(
      ['Id', u.name], ['Names', [u.name, ...u.aliases.filter((a) => a !== u.name)].join(' ')],
      ...(u.settings.unit.requires.length ? [['Requires', u.settings.unit.requires.join(' ')] as [string, string]] : []),
      ...(u.settings.unit.wants.length ? [['Wants', u.settings.unit.wants.join(' ')] as [string, string]] : []),
      ...(u.settings.unit.conflicts.length ? [['Conflicts', u.settings.unit.conflicts.join(' ')] as [string, string]] : []),
      ...(u.settings.unit.before.length ? [['Before', u.settings.unit.before.join(' ')] as [string, string]] : []),
      ...(u.settings.unit.after.length ? [['After', u.settings.unit.after.join(' ')] as [string, string]] : []),
      ['Description', st.description], ['LoadState', st.loadState], ['ActiveState', st.activeState], ['SubState', st.subState],
      ...(st.fragmentPath !== undefined ? [['FragmentPath', st.fragmentPath] as [string, string]] : []),
      ...(st.dropInPaths.length ? [['DropInPaths', st.dropInPaths.join(' ')] as [string, string]] : []),
      ['UnitFileState', st.unitFileState],
      ['StateChangeTimestamp', timestamp(st.stateChangeUs)],
      ['ActiveEnterTimestamp', timestamp(s?.activeEnterUs ?? 0)], ['ActiveExitTimestamp', timestamp(s?.activeExitUs ?? 0)],
      ['InactiveEnterTimestamp', timestamp(s?.inactiveEnterUs ?? 0)], ['InactiveExitTimestamp', timestamp(s?.inactiveExitUs ?? 0)],
      ['NeedDaemonReload', yesNo(st.needDaemonReload)],
      ['ConditionResult', yesNo(s?.conditionResult ?? false)], ['AssertResult', yesNo(s?.assertResult ?? false)],
      ['ConditionTimestamp', timestamp(s?.conditionTimestampUs ?? 0)], ['AssertTimestamp', timestamp(s?.assertTimestampUs ?? 0)],
      ...(s && s.invocationId !== '' ? [['InvocationID', s.invocationId] as [string, string]] : []),
    );
    return out;
  }

  /** UnitFileState= and UnitFilePreset= by unit/install.ts's rules over the search path (read once per daemon-reload). */
  private async unitFileStateOf(u: LoadedUnit): Promise<{ state: string; preset: string | undefined }> {
    try {
      this.unitFiles ??= readUnitFileTree({ root: '/', ...(this.opts.unitPath !== undefined ? { unitPath: this.opts.unitPath } : {}) });
      const tree = await this.unitFiles;
      const state = unitFileState(tree, u.name);
      if (state === undefined) return { state: install(u) ? 'disabled' : 'static', preset: undefined };
      return { state, preset: showsPreset(state) ? presetOf(tree.presets, u.name) : undefined };
    } catch {
      return { state: install(u) ? 'disabled' : 'static', preset: undefined };
    }
  }

  /** --no-block: the request is checked as job() checks it, then its jobs run on without the caller. */
  async enqueueJob(name: string, type: AnyJobVerb): Promise<JobAnswer> {
    const requested = await this.load(name);
    if (requested.unit.loadState === 'not-found') throw new JobUnitNotFoundError(name);
    if (requested.unit.loadState !== 'loaded') throw new UnitNotLoadedError(requested.unit.name, requested.unit.loadState);
    this.job(name, type).catch((e: Error) => this.opts.journal.manager(requested.unit.name, `Failed to enqueue ${type} job for ${requested.unit.name}: ${e.message}`, 3));
    return { unit: requested.unit.name, type, result: 'queued' };
  }

  /** Jobs under way (systemctl list-jobs), oldest first. */
  jobList(): JobListEntry[] {
    return [...this.jobTable.values()].map((j) => ({ ...j }));
  }

  /** systemctl kill: only a unit the manager has in memory (an inactive one was dropped: "not loaded"). */
  kill(name: string, signal: NodeJS.Signals, whom: KillWhom): void {
    const l = this.units.get(name);
    if (!l) throw new UnitNotInMemoryError(name);
    l.service?.kill(signal, whom);
  }

  /** reset-failed of one unit, or of all: failed units rest as inactive, and are then dropped like any inactive unit. */
  resetFailed(name?: string): void {
    if (name !== undefined) {
      const l = this.units.get(name);
      if (!l) throw new UnitNotInMemoryError(name);
      l.service?.resetFailed();
    } else for (const l of this.units.values()) l.service?.resetFailed();
    this.collectGarbage();
  }

  /** `systemctl cat`: the fragment and its drop-ins, as read now. */
  async files(name: string): Promise<{ path: string; text: string }[]> {
    const l = await this.load(name);
    if (l.unit.loadState === 'not-found' || l.unit.fragmentPath === undefined) throw new JobUnitNotFoundError(name);
    const paths = [l.unit.fragmentPath, ...l.unit.dropInPaths];
    return Promise.all(paths.map(async (path) => ({ path, text: await readFile(path, 'utf8').catch(() => '') })));
  }

  /** Active state of every unit the manager has (is-system-running and tests). */
  activeStates(): Record<string, string> {
    return Object.fromEntries([...this.units].map(([n, l]) => [n, l.service ? l.service.activeState : activeStateOf(l.up ? 'running' : 'dead')]));
  }

  /**
   * At the daemon's start: takes over the services a daemon before it left running (their state
   * files in the runtime directory, their processes in the resident supervisor).
   */
  async readopt(): Promise<void> {
    const { states, broken } = readUnitStates(this.opts.runtimeDir);
    for (const name of broken) this.opts.journal.manager('nsbox', `Ignoring the unreadable unit state file ${name}.`, 4);
    for (const state of states) {
      const loaded = await this.load(state.unit).catch(() => undefined);
      if (loaded?.service === undefined) {
        this.opts.journal.manager(state.unit, `${state.unit}: Cannot re-adopt: the unit no longer loads.`, 4);
        continue;
      }
      loaded.service.restore(state);
    }
  }

  /** Stops every running service (the daemon's SIGTERM). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.units.values()].filter((l) => l.service && isActiveLike(l.service.activeState)).map((l) => l.service!.stop()));
    await Promise.all([...this.units.values()].map((l) => l.service?.settle()));
  }
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
/** For status's `Condition:`/`Assert:` lines: when tested, and the checks that were not met. */
const checkSummary = (met: boolean, timestampUs: number, outcomes: readonly ConditionOutcome[]): ConditionCheck =>
  ({ met, timestampUs, unmet: outcomes.filter((o) => !o.met).map((o) => describeCondition(o.condition)) });
const exists = (p: string): boolean => mtimeMs(p) >= 0;
const mtimeMs = (p: string): number => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};
const install = (u: LoadedUnit): boolean => {
  const i = u.settings.install;
  return i.wantedBy.length + i.requiredBy.length + i.alias.length + i.also.length > 0;
};
