// `nsbox daemon`: the manager behind a control socket. JSON over HTTP on a unix socket that only
// root may open (mode 0600 in a 0755 directory) and that serves only peers whose SO_PEERCRED uid
// is 0. The journal lives in the state directory and survives restarts of the daemon.
import { chmodSync, mkdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { NsboxError } from '../errors.js';
import { VERSION } from '../version.js';
import { DEFAULT_MAX_BYTES, JournalStore } from '../journal/store.js';
import type { Priority } from '../journal/types.js';
import { ManagerRequestError, UnitNotInMemoryError } from './errors.js';
import { JobUnitNotFoundError } from './jobs.js';
import { JournalSink } from './journal-sink.js';
import { Manager } from './manager.js';
import { timestamp } from './timestamp.js';
import { ResidentSupervisor } from '../launch/index.js';
import { controlSocketPath, journalPath, type ManagerPaths } from './paths.js';
import { peerCredentials } from './peer-cred.js';
import { constants as osConstants } from 'node:os';
import { API, JOB_VERBS, KILL_WHOM, parseUnitPath, type AnyJobVerb, type KillWhom } from './protocol.js';

export interface DaemonOptions extends ManagerPaths {
  /** SYSTEMD_UNIT_PATH for the units. */
  readonly unitPath?: string;
  /** The journal's bound in bytes (SystemMaxUse=); default journalMaxUseDefault(). */
  readonly journalMaxUse?: number;
}

/**
 * journald's default SystemMaxUse=: 10% of the file system the journal lives on, at most 4 GiB.
 * (journald also keeps 15% of it free, SystemKeepFree=; nsbox does not.)
 */
export function journalMaxUseDefault(stateDir: string): number {
  try {
    const fs = statfsSync(stateDir);
    return Math.min(DEFAULT_MAX_BYTES, Math.floor((fs.blocks * fs.bsize) / 10));
  } catch {
    return DEFAULT_MAX_BYTES;
  }
}

export interface Daemon {
  readonly socketPath: string;
  readonly manager: Manager;
  /** Stops every service, closes the socket and the journal. */
  close(): Promise<void>;
}

const MAX_FOLLOW_MS = 30_000;
/** Entries in one answer at most; a client reads on from the last cursor (JournalAnswer.more). */
export const JOURNAL_PAGE = 10_000;

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  mkdirSync(opts.runtimeDir, { recursive: true, mode: 0o755 });
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o755 });
  const store = new JournalStore(journalPath(opts.stateDir), opts.journalMaxUse ?? journalMaxUseDefault(opts.stateDir));
  const journal = new JournalSink(store);
  // Every service command runs in the one resident supervisor, which outlives this daemon.
  const supervisor = await ResidentSupervisor.open(opts.runtimeDir);
  const manager = new Manager({ journal, runtimeDir: opts.runtimeDir, supervisor, ...(opts.unitPath !== undefined ? { unitPath: opts.unitPath } : {}) });
  await manager.readopt();
  const socketPath = controlSocketPath(opts.runtimeDir);
  rmSync(socketPath, { force: true });
  const host = hostname();
  const startedUs = Date.now() * 1000;

  const server: Server = createServer((req, res) => {
    // Server-Timing: the time from the request's arrival to its answer, for round-trip benchmarks.
    const arrived = performance.now();
    const reply = (status: number, body: unknown): void => replyJson(res, status, body, arrived);
    const peer = peerCredentials(req.socket);
    if (peer === undefined || peer.uid !== 0) {
      reply(403, { error: new ManagerRequestError(`Access denied: the manager serves root only (peer uid ${peer?.uid ?? 'unknown'}).`, 403).toJSON() });
      return;
    }
    route(req).then(
      (body) => reply(200, body),
      (e: unknown) => {
        if (e instanceof NsboxError) reply(e instanceof ManagerRequestError ? e.status : e instanceof JobUnitNotFoundError || e instanceof UnitNotInMemoryError ? 404 : 409, { error: e.toJSON() });
        else reply(500, { error: { code: 'MANAGER_REQUEST', message: String((e as Error)?.message ?? e), fields: { status: 500 } } });
      },
    );
  });

  async function route(req: IncomingMessage): Promise<unknown> {
    const url = new URL(req.url ?? '/', 'http://nsbox');
    const method = req.method ?? 'GET';
    if (url.pathname === API.reload && method === 'POST') return (await manager.reload(), {});
    if (url.pathname === API.journal && method === 'GET') return journalAnswer(url.searchParams);
    if (url.pathname === API.journalBoots && method === 'GET') return { currentBootId: journal.bootId, boots: store.boots() };
    if (url.pathname === API.journalUsage && method === 'GET') return { path: store.path, bytes: store.diskUsage() };
    if (url.pathname === API.journalVacuum && method === 'POST') return vacuum(url.searchParams);
    if (url.pathname === API.units && method === 'GET') return { units: manager.list() };
    if (url.pathname === API.jobs && method === 'GET') return { jobs: manager.jobList() };
    if (url.pathname === API.manager && method === 'GET') {
      const cgroupPath = ownCgroupPath();
      return { manager: { hostname: host, startedUs, startedText: timestamp(startedUs), version: VERSION, ...(cgroupPath !== undefined ? { cgroupPath } : {}) } };
    }
    if (url.pathname === API.resetAllFailed && method === 'POST') return (manager.resetFailed(), {});
    const unitPath = parseUnitPath(url.pathname);
    if (unitPath !== undefined) {
      if (unitPath.what === undefined && method === 'GET') return { unit: await manager.status(unitPath.name) };
      if (unitPath.what === 'files' && method === 'GET') return { files: await manager.files(unitPath.name) };
      if (method === 'POST' && JOB_VERBS.includes(unitPath.what as AnyJobVerb)) {
        if (url.searchParams.get('block') === 'no') return { job: await manager.enqueueJob(unitPath.name, unitPath.what as AnyJobVerb) };
        return { job: await manager.job(unitPath.name, unitPath.what as AnyJobVerb) };
      }
      if (method === 'POST' && unitPath.what === 'kill') {
        const signal = url.searchParams.get('signal') ?? 'SIGTERM';
        const whom = url.searchParams.get('whom') ?? 'all';
        if (!Object.hasOwn(osConstants.signals, signal)) throw new ManagerRequestError(`signal=${signal}: not a signal name`, 400);
        if (!KILL_WHOM.includes(whom as KillWhom)) throw new ManagerRequestError(`whom=${whom}: not main, control or all`, 400);
        return (manager.kill(unitPath.name, signal as NodeJS.Signals, whom as KillWhom), {});
      }
      if (method === 'POST' && unitPath.what === 'reset-failed') return (manager.resetFailed(unitPath.name), {});
    }
    throw new ManagerRequestError(`No such API: ${method} ${url.pathname}`, 404);
  }

  const numberParam = (q: URLSearchParams, k: string): number | undefined => {
    const v = q.get(k);
    if (v === null) return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new ManagerRequestError(`${k}=${v}: not a non-negative integer`, 400);
    return n;
  };
  const priorityParam = (q: URLSearchParams, k: string): Priority | undefined => {
    const p = numberParam(q, k);
    if (p !== undefined && p > 7) throw new ManagerRequestError(`${k}=${p}: not 0-7`, 400);
    return p as Priority | undefined;
  };

  /**
   * `?unit=…&unit=…&last=&after=&priority=&minpriority=&since=&until=&boot=&wait=MS`: with wait,
   * an empty answer waits for new entries (journalctl -f). Without last, at most JOURNAL_PAGE
   * entries, oldest first, and `more` says whether to ask again after the last cursor.
   */
  async function journalAnswer(q: URLSearchParams): Promise<unknown> {
    const units = q.getAll('unit');
    const last = numberParam(q, 'last');
    const after = numberParam(q, 'after');
    const since = numberParam(q, 'since');
    const until = numberParam(q, 'until');
    const maxPriority = priorityParam(q, 'priority');
    const minPriority = priorityParam(q, 'minpriority');
    const boot = q.get('boot') ?? undefined;
    const query = () => store.query({
      ...(units.length > 0 ? { units } : {}), ...(last !== undefined ? { last } : { limit: JOURNAL_PAGE + 1 }), ...(after !== undefined ? { afterCursor: after } : {}),
      ...(maxPriority !== undefined ? { maxPriority } : {}), ...(minPriority !== undefined ? { minPriority } : {}),
      ...(since !== undefined ? { sinceUs: since } : {}), ...(until !== undefined ? { untilUs: until } : {}), ...(boot !== undefined ? { bootId: boot } : {}),
    });
    let entries = query();
    const wait = Math.min(numberParam(q, 'wait') ?? 0, MAX_FOLLOW_MS);
    const deadline = Date.now() + wait;
    while (entries.length === 0 && Date.now() < deadline) {
      await journal.next(deadline - Date.now());
      entries = query();
    }
    const more = last === undefined && entries.length > JOURNAL_PAGE;
    return { hostname: host, entries: more ? entries.slice(0, JOURNAL_PAGE) : entries, more };
  }

  /** `?size=BYTES&before=US`: journalctl --vacuum-size=/--vacuum-time=. */
  function vacuum(q: URLSearchParams): unknown {
    const size = numberParam(q, 'size');
    const before = numberParam(q, 'before');
    const bytesBefore = store.diskUsage();
    const { removed } = store.vacuum({ ...(size !== undefined ? { maxBytes: size } : {}), ...(before !== undefined ? { olderThanUs: before } : {}) });
    return { path: store.path, removed, freedBytes: Math.max(0, bytesBefore - store.diskUsage()), bytes: store.diskUsage() };
  }

  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(oldMask);
  }
  chmodSync(socketPath, 0o600);
  journal.append([{ priority: 6, message: `nsbox manager started (pid ${process.pid}), listening on ${socketPath}.`, pid: process.pid, identifier: 'nsbox' }]);
  // As systemd at boot, but while already serving: a slow unit does not hold up the socket.
  void manager.startDefault().catch((err: unknown) => {
    journal.append([{ priority: 3, message: `Failed to start the default target: ${(err as Error).message}`, pid: process.pid, identifier: 'nsbox' }]);
  });

  return {
    socketPath,
    manager,
    close: async () => {
      await manager.stopAll();
      // A clean stop ends every service: the resident has nothing left to hold for a next daemon.
      await supervisor.close();
      try {
        process.kill(supervisor.residentPid, 'SIGTERM');
      } catch {
        // gone already
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      rmSync(socketPath, { force: true });
      store.close();
    },
  };
}

/** This process's cgroup in the tracking hierarchy (name=systemd on hybrid hosts, else the unified one). */
function ownCgroupPath(): string | undefined {
  try {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
    const pick = lines.find((l) => l.split(':')[1] === 'name=systemd') ?? lines.find((l) => l.startsWith('0::'));
    return pick?.split(':').slice(2).join(':');
  } catch {
    return undefined;
  }
}

/** The answer, with the time since the request arrived as Server-Timing (`app;dur=MS`). */
function replyJson(res: ServerResponse, status: number, body: unknown, arrived: number): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'server-timing': `app;dur=${(performance.now() - arrived).toFixed(3)}` });
  res.end(text);
}
