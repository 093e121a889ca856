// The control API's client: what `nsbox systemctl` and `nsbox journalctl` use, and the Node API
// will. Errors come back as the daemon's own classes (rebuildError), so callers match on `code`.
import { request } from 'node:http';
import { rebuildError } from '../error-codes.js';
import { ManagerConnectionError } from './errors.js';
import { controlSocketPath, managerPaths } from './paths.js';
import { API, type AnyJobVerb, type JobAnswer, type JobListEntry, type JournalAnswer, type KillWhom, type ManagerInfo, type UnitFiles, type UnitListEntry, type UnitStatus } from './protocol.js';
import type { SerializedError } from '../errors.js';

export interface JournalRequest {
  readonly unit?: string;
  readonly last?: number;
  readonly after?: number;
  readonly priority?: number;
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
    if (q.unit !== undefined) params.set('unit', q.unit);
    if (q.last !== undefined) params.set('last', String(q.last));
    if (q.after !== undefined) params.set('after', String(q.after));
    if (q.priority !== undefined) params.set('priority', String(q.priority));
    if (q.waitMs !== undefined) params.set('wait', String(q.waitMs));
    const qs = params.toString();
    return (await this.call('GET', `${API.journal}${qs ? `?${qs}` : ''}`)) as JournalAnswer;
  }

  private call(method: string, path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: { 'content-length': 0 } }, (res) => {
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
