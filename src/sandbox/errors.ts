// Why a command cannot start, as systemd would report it: each error carries systemd's exit
// status (e.g. 217/USER), so the manager can record the same result systemd shows.
import { NsboxError } from '../errors.js';
import type { ExitStatusName } from '../unit/exit-status.js';

/** A start-time failure with systemd's exit status (the child never execs). */
export class ExecSetupError extends NsboxError {
  readonly code = 'EXEC_SETUP';
  constructor(
    readonly status: ExitStatusName,
    /** The setting at fault, e.g. `User=` or `WorkingDirectory=`. */
    readonly setting: string,
    message: string,
  ) {
    super(`${setting} ${message}`);
    this.name = 'ExecSetupError';
  }
}

/** EnvironmentFile= without `-` names a missing file: systemd fails before any process starts. */
export class EnvironmentFileMissingError extends NsboxError {
  readonly code = 'ENVIRONMENT_FILE_MISSING';
  constructor(readonly path: string) {
    super(`EnvironmentFile=${path}: No such file or directory`);
    this.name = 'EnvironmentFileMissingError';
  }
}

/** A setting the planner read but does not (yet) turn into plan ops; never silent. */
export interface SandboxDiagnostic {
  readonly level: 'warning' | 'error';
  readonly setting: string;
  readonly message: string;
  /** The unit file and line that set it, where known. */
  readonly at?: { readonly file: string; readonly line: number };
}
