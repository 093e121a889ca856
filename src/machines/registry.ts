// Running machines, one JSON file each under /run/nsbox/machines, so `nsbox machinectl` can list
// them. The supervisor (the helper, after Node hands over) unlinks the file when the container
// ends; a file whose supervisor is gone is stale and may be replaced.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { NsboxError } from '../errors.js';
import type { JoinSettings } from '../nspawn/join-plan.js';

export const MACHINES_DIR = process.env['NSBOX_MACHINES_DIR'] ?? '/run/nsbox/machines';

export interface MachineRecord {
  readonly name: string;
  readonly class: 'container';
  readonly directory: string;
  /** Host pid of the supervisor (the nsbox process, the helper once handed over). */
  readonly supervisorPid: number;
  readonly boot: boolean;
  readonly uuid: string;
  readonly cgroups: readonly string[];
  readonly startedAt: string;
  /** What a process entering the container (machinectl shell) must carry. */
  readonly join?: JoinSettings;
}

export class MachineBusyError extends NsboxError {
  readonly code = 'MACHINE_BUSY';
  constructor(readonly machine: string, readonly pid: number) {
    super(`machine ${machine} is already running (supervisor pid ${pid})`);
    this.name = 'MachineBusyError';
  }
}

export const registrationPath = (name: string, dir = MACHINES_DIR): string => `${dir}/${name}`;

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readMachine(name: string, dir = MACHINES_DIR): MachineRecord | undefined {
  try {
    return JSON.parse(readFileSync(registrationPath(name, dir), 'utf8')) as MachineRecord;
  } catch {
    return undefined;
  }
}

/** Writes the record atomically; refuses a name whose supervisor is still alive. */
export function registerMachine(record: MachineRecord, dir = MACHINES_DIR): string {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const existing = readMachine(record.name, dir);
  if (existing && existing.supervisorPid !== record.supervisorPid && alive(existing.supervisorPid)) {
    throw new MachineBusyError(record.name, existing.supervisorPid);
  }
  const path = registrationPath(record.name, dir);
  const tmp = `${dir}/.${record.name}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o644 });
  renameSync(tmp, path);
  return path;
}

export function unregisterMachine(name: string, dir = MACHINES_DIR): void {
  rmSync(registrationPath(name, dir), { force: true });
}

export function listMachines(dir = MACHINES_DIR): MachineRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
  return names.map((n) => readMachine(n, dir)).filter((r): r is MachineRecord => r !== undefined && alive(r.supervisorPid));
}
