// The control API's client: what `nsbox systemctl` and `nsbox journalctl` use, and the Node API
// will. Errors come back as the daemon's own classes (rebuildError), so callers match on `code`.
import { request } from 'node:http';
import { rebuildError } from '../error-codes.js';
import { ManagerConnectionError } from './errors.js';
import { controlSocketPath, managerPaths } from './paths.js';
import { API, type AnyJobVerb, type JobAnswer, type JobListEntry, type JournalAnswer, type JournalBootsAnswer, type JournalUsageAnswer, type JournalVacuumAnswer, type KillWhom, type ManagerInfo, type UnitFiles, type UnitListEntry, type UnitStatus } from './protocol.js';
import type { SerializedError } from '../errors.js';

export interface JournalRequest {
  readonly unit?: string;
  readonly units?: readonly string[];
  readonly last?: number;
  readonly after?: number;
  /** The least important priority shown (journalctl -p's upper end). */
  readonly priority?: number;
  /** The most important priority shown (the lower end of -p FROM..TO). */
  readonly minPriority?: number;
  readonly sinceUs?: number;
  readonly untilUs?: number;
  readonly bootId?: string;
  /** Milliseconds to wait for a first new entry when there is none (following). */
  readonly waitMs?: number;
}

export class ManagerClient {
  readonly socketPath: string;

  constructor(opts: { readonly socketPath?: string; readonly runtimeDir?: string } = {}) {
    this.socketPath = opts.socketPath ?? controlSocketPath(managerPaths(opts.runtimeDir !== undefined ? { runtimeDir: opts.runtimeDir } : {}).runtimeDir);
  }

  /** Runs a job and waits for it (and what it pulled in); with `block: false`, returns once it is queued. */
  async job(unit: string, verb: AnyJobVerb, opts: { readonly block?: boolean } = {}): Promise<JobAnswer> {
    return ((await this.call('POST', `${API.job(unit, verb)}${opts.block === false ? '?block=no' : ''}`)) as { job: JobAnswer }).job;
  }
  /** Sends a signal (a name: SIGTERM, or a number) to the unit's main, control or every process. */
  async kill(unit: string, signal: string, whom: KillWhom): Promise<void> {
    await this.call('POST', `${API.kill(unit)}?${new URLSearchParams({ signal, whom }).toString()}`);
  }
  /** reset-failed of one unit, or of every failed unit. */
  async resetFailed(unit?: string): Promise<void> {
    await this.call('POST', unit === undefined ? API.resetAllFailed : API.resetFailed(unit));
  }
  async manager(): Promise<ManagerInfo> {
    return ((await this.call('GET', API.manager)) as { manager: ManagerInfo }).manager;
  }
  async jobs(): Promise<JobListEntry[]> {
    return ((await this.call('GET', API.jobs)) as { jobs: JobListEntry[] }).jobs;
  }
  async list(): Promise<UnitListEntry[]> {
    return ((await this.call('GET', API.units)) as { units: UnitListEntry[] }).units;
  }
  async status(unit: string): Promise<UnitStatus> {
    return ((await this.call('GET', API.unit(unit))) as { unit: UnitStatus }).unit;
  }
  async files(unit: string): Promise<UnitFiles['files']> {
    return ((await this.call('GET', API.unitFiles(unit))) as UnitFiles).files;
  }
  async reload(): Promise<void> {
    await this.call('POST', API.reload);
  }
  async journal(q: JournalRequest = {}): Promise<JournalAnswer> {
    const params = new URLSearchParams();
    if (q.unit !== undefined) params.append('unit', q.unit);
    for (const u of q.units ?? []) params.append('unit', u);
    if (q.last !== undefined) params.set('last', String(q.last));
    if (q.after !== undefined) params.set('after', String(q.after));
    if (q.priority !== undefined) params.set('priority', String(q.priority));
    if (q.minPriority !== undefined) params.set('minpriority', String(q.minPriority));
    if (q.sinceUs !== undefined) params.set('since', String(q.sinceUs));
    if (q.untilUs !== undefined) params.set('until', String(q.untilUs));
    if (q.bootId !== undefined) params.set('boot', q.bootId);
    if (q.waitMs !== undefined) params.set('wait', String(q.waitMs));
    const qs = params.toString();
    return (await this.call('GET', `${API.journal}${qs ? `?${qs}` : ''}`)) as JournalAnswer;
  }
  async journalBoots(): Promise<JournalBootsAnswer> {
    return (await this.call('GET', API.journalBoots)) as JournalBootsAnswer;
  }
  async journalUsage(): Promise<JournalUsageAnswer> {
    return (await this.call('GET', API.journalUsage)) as JournalUsageAnswer;
  }
  /** Removes entries older than `olderThanUs` and the oldest beyond `maxBytes`, then shrinks the file. */
  async journalVacuum(opts: { maxBytes?: number; olderThanUs?: number }): Promise<JournalVacuumAnswer> {
    const params = new URLSearchParams();
    if (opts.maxBytes !== undefined) params.set('size', String(opts.maxBytes));
    if (opts.olderThanUs !== undefined) params.set('before', String(Math.max(0, Math.floor(opts.olderThanUs))));
    return (await this.call('POST', `${API.journalVacuum}?${params}`)) as JournalVacuumAnswer;
  }

  private call(method: string, path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      // agent: false, a connection per request: a kept-alive socket the daemon closes when idle
      // (5 s) races the next request on it (EPIPE), and a long-lived client would see that.
      const req = request({ socketPath: this.socketPath, method, path, headers: { 'content-length': 0 }, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            reject(new ManagerConnectionError(`the manager answered ${res.statusCode} with no JSON`, this.socketPath));
            return;
          }
          if (res.statusCode === 200) resolve(body);
          else {
            const error = (body as { error?: SerializedError }).error;
            reject(error ? safeRebuild(error, this.socketPath) : new ManagerConnectionError(`the manager answered ${res.statusCode}`, this.socketPath));
          }
        });
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'is the daemon running? (nsbox daemon)' : e.message;
        reject(new ManagerConnectionError(`Failed to connect to the manager at ${this.socketPath}: ${why}`, this.socketPath));
      });
      req.end();
    });
  }
}

function safeRebuild(error: SerializedError, socketPath: string): Error {
  try {
    return rebuildError(error);
  } catch {
    return new ManagerConnectionError(error.message, socketPath);
  }
}
