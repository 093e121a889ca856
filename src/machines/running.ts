// The running machines as machinectl shows them: each registration whose supervisor is alive,
// with its leader (the container's PID 1, seen from the host) and the OS its tree says it is.
// Everything read from inside a container goes through its root (readTreeFile), so a container
// cannot point these reads at the host's files.
import { readFileSync } from 'node:fs';
import { parseOsRelease } from '../nspawn/environment.js';
import { listMachines, readMachine, MACHINES_DIR, alive, type MachineRecord } from './registry.js';
import { readTreeFile } from './tree-files.js';
import { NsboxError } from '../errors.js';

export interface RunningMachine {
  readonly record: MachineRecord;
  /** Host pid of the container's PID 1; undefined while it is being set up or after it ended. */
  readonly leader?: number;
  /** os-release's fields, read inside the container's root. */
  readonly osRelease: Readonly<Record<string, string>>;
}

/** `machinectl ...` of a machine that is not running. */
export class NoSuchMachineError extends NsboxError {
  readonly code = 'NO_SUCH_MACHINE';
  constructor(readonly machine: string) {
    super(`No machine '${machine}' known`);
    this.name = 'NoSuchMachineError';
  }
}

const children = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** True when the process is PID 1 of its own PID namespace (its NSpid line ends in 1). */
function isNamespaceInit(pid: number): boolean {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('NSpid:'));
    const ids = line?.slice('NSpid:'.length).trim().split(/\s+/) ?? [];
    return ids.length > 1 && ids[ids.length - 1] === '1';
  } catch {
    return false;
  }
}

/**
 * The container's PID 1: the supervisor's child (the helper's, after Node handed over), or its
 * grandchild when Node kept the process and the helper is its child.
 */
export function findLeader(supervisorPid: number): number | undefined {
  let level = [supervisorPid];
  for (let depth = 0; depth < 3; depth++) {
    const next = level.flatMap(children);
    const init = next.find(isNamespaceInit);
    if (init !== undefined) return init;
    level = next;
  }
  return undefined;
}

export function containerOsRelease(leader: number | undefined): Record<string, string> {
  if (leader === undefined) return {};
  const root = `/proc/${leader}/root`;
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const text = readTreeFile(root, path);
      if (text !== undefined) return parseOsRelease(text);
    } catch {
      // Not a regular file, or the container went away: no OS to show.
    }
  }
  return {};
}

function describe(record: MachineRecord): RunningMachine {
  const leader = findLeader(record.supervisorPid);
  return { record, ...(leader !== undefined ? { leader } : {}), osRelease: containerOsRelease(leader) };
}

export function runningMachines(dir = MACHINES_DIR): RunningMachine[] {
  return listMachines(dir).map(describe).sort((a, b) => (a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0));
}

/** One running machine by name; NoSuchMachineError when it is not running. */
export function runningMachine(name: string, dir = MACHINES_DIR): RunningMachine {
  const record = readMachine(name, dir);
  if (record === undefined || !alive(record.supervisorPid)) throw new NoSuchMachineError(name);
  return describe(record);
}
