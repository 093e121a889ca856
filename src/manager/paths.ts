// Where the daemon keeps its things, and where its clients find it: options, then NSBOX_RUNTIME_DIR
// and NSBOX_STATE_DIR, then /run/nsbox and /var/lib/nsbox. The client reads the same variables,
// so `NSBOX_RUNTIME_DIR=… nsbox systemctl …` talks to the daemon started with them.
import { join } from 'node:path';

export interface ManagerPaths {
  readonly runtimeDir: string;
  readonly stateDir: string;
}

export const DEFAULT_RUNTIME_DIR = '/run/nsbox';
export const DEFAULT_STATE_DIR = '/var/lib/nsbox';

export function managerPaths(opts: Partial<ManagerPaths> = {}, env: Readonly<Record<string, string | undefined>> = process.env): ManagerPaths {
  return {
    runtimeDir: opts.runtimeDir ?? (env['NSBOX_RUNTIME_DIR'] || DEFAULT_RUNTIME_DIR),
    stateDir: opts.stateDir ?? (env['NSBOX_STATE_DIR'] || DEFAULT_STATE_DIR),
  };
}

/** The control socket (systemd's is /run/systemd/private). */
export const controlSocketPath = (runtimeDir: string): string => join(runtimeDir, 'manager.sock');
export const journalPath = (stateDir: string): string => join(stateDir, 'journal.sqlite');
