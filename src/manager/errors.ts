// The daemon's and its client's own errors (the job engine's are in jobs.ts).
import { NsboxError } from '../errors.js';

/** The control socket is missing, refused the connection, or answered out of protocol. */
export class ManagerConnectionError extends NsboxError {
  readonly code = 'MANAGER_CONNECTION';
  constructor(message: string, readonly socketPath: string) {
    super(message);
    this.name = 'ManagerConnectionError';
  }
}

/** A request the API refuses: unknown path or verb, a malformed body, a peer that is not root. */
export class ManagerRequestError extends NsboxError {
  readonly code = 'MANAGER_REQUEST';
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ManagerRequestError';
  }
}

/** A service's cgroup still holds processes the manager does not know (from before a daemon restart). */
export class ServiceCgroupBusyError extends NsboxError {
  readonly code = 'SERVICE_CGROUP_BUSY';
  constructor(readonly unit: string, readonly path: string) {
    super(`cgroup ${path} still has processes: an instance of ${unit} the manager does not know (from before a daemon restart?)`);
    this.name = 'ServiceCgroupBusyError';
  }
}

/** kill/reset-failed of a unit the manager does not have in memory (systemd: "Unit X not loaded."). */
export class UnitNotInMemoryError extends NsboxError {
  readonly code = 'UNIT_NOT_IN_MEMORY';
  constructor(readonly unit: string) {
    super(`Unit ${unit} not loaded.`);
    this.name = 'UnitNotInMemoryError';
  }
}

/** kill --kill-whom=main|control of a unit that has no such process now. */
export class NoSuchProcessError extends NsboxError {
  readonly code = 'NO_SUCH_PROCESS';
  constructor(readonly unit: string, readonly whom: 'main' | 'control') {
    super(`No ${whom} process to kill`);
    this.name = 'NoSuchProcessError';
  }
}
