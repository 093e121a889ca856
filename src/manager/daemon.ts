// `nsbox daemon`: the manager behind a control socket. JSON over HTTP on a unix socket that only
// root may open (mode 0600 in a 0755 directory) and that serves only peers whose SO_PEERCRED uid
// is 0. The journal lives in the state directory and survives restarts of the daemon.
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { NsboxError } from '../errors.js';
import { VERSION } from '../version.js';
import { JournalStore } from '../journal/store.js';
import type { Priority } from '../journal/types.js';
import { ManagerRequestError, UnitNotInMemoryError } from './errors.js';
import { JobUnitNotFoundError } from './jobs.js';
import { JournalSink } from './journal-sink.js';
import { Manager, timestamp } from './manager.js';
import { ResidentSupervisor } from '../launch/index.js';
import { controlSocketPath, journalPath, type ManagerPaths } from './paths.js';
import { peerCredentials } from './peer-cred.js';
import { constants as osConstants } from 'node:os';
import { API, JOB_VERBS, KILL_WHOM, parseUnitPath, type JobVerb, type KillWhom } from './protocol.js';

export interface DaemonOptions extends ManagerPaths {
  /** SYSTEMD_UNIT_PATH for the units. */
  readonly unitPath?: string;
}

export interface Daemon {
  readonly socketPath: string;
  readonly manager: Manager;
  /** Stops every service, closes the socket and the journal. */
  close(): Promise<void>;
}

const MAX_FOLLOW_MS = 30_000;

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  mkdirSync(opts.runtimeDir, { recursive: true, mode: 0o755 });
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o755 });
  const store = new JournalStore(journalPath(opts.stateDir));
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
    const peer = peerCredentials(req.socket);
    if (peer === undefined || peer.uid !== 0) {
      reply(res, 403, { error: new ManagerRequestError(`Access denied: the manager serves root only (peer uid ${peer?.uid ?? 'unknown'}).`, 403).toJSON() });
      return;
    }
    route(req).then(
      (body) => reply(res, 200, body),
      (e: unknown) => {
        if (e instanceof NsboxError) reply(res, e instanceof ManagerRequestError ? e.status : e instanceof JobUnitNotFoundError || e instanceof UnitNotInMemoryError ? 404 : 409, { error: e.toJSON() });
        else reply(res, 500, { error: { code: 'MANAGER_REQUEST', message: String((e as Error)?.message ?? e), fields: { status: 500 } } });
      },
    );
  });

  async function route(req: IncomingMessage): Promise<unknown> {
    const url = new URL(req.url ?? '/', 'http://nsbox');
    const method = req.method ?? 'GET';
    if (url.pathname === API.reload && method === 'POST') return (await manager.reload(), {});
    if (url.pathname === API.journal && method === 'GET') return journalAnswer(url.searchParams);
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
      if (method === 'POST' && JOB_VERBS.includes(unitPath.what as JobVerb)) {
        if (url.searchParams.get('block') === 'no') return { job: await manager.enqueueJob(unitPath.name, unitPath.what as JobVerb) };
        return { job: await manager.job(unitPath.name, unitPath.what as JobVerb) };
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

  /** `?unit=&last=&after=&priority=&wait=MS`: with wait, an empty answer waits for new entries (journalctl -f). */
  async function journalAnswer(q: URLSearchParams): Promise<unknown> {
    const num = (k: string): number | undefined => {
      const v = q.get(k);
      if (v === null) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new ManagerRequestError(`${k}=${v}: not a non-negative integer`, 400);
      return n;
    };
    const unit = q.get('unit') ?? undefined;
    const last = num('last');
    const after = num('after');
    const priority = num('priority');
    if (priority !== undefined && priority > 7) throw new ManagerRequestError(`priority=${priority}: not 0-7`, 400);
    const query = () => store.query({
      ...(unit !== undefined ? { unit } : {}), ...(last !== undefined ? { last } : {}), ...(after !== undefined ? { afterCursor: after } : {}),
      ...(priority !== undefined ? { maxPriority: priority as Priority } : {}),
    });
    let entries = query();
    const wait = Math.min(num('wait') ?? 0, MAX_FOLLOW_MS);
    const deadline = Date.now() + wait;
    while (entries.length === 0 && Date.now() < deadline) {
      await journal.next(deadline - Date.now());
      entries = query();
    }
    return { hostname: host, entries };
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

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
