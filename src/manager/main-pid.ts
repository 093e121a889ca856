// Finding and watching a main process the daemon did not start itself (Type=forking): PIDFile=
// read as systemd's service_load_pid_file reads it, main-PID guessing, /proc facts.
import { fstatSync, openSync, closeSync, readFileSync } from 'node:fs';
import { cgroupMembers } from '../launch/index.js';

export type PidFileRead =
  | { readonly kind: 'pid'; readonly pid: number; readonly foreign: boolean }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'refused'; readonly pid: number };

const ppidOf = (pid: number): number => {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return 0;
  }
};

/** Start time of a process (field 22 of /proc/PID/stat), to tell it from a later one with the same pid. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return stat[0] === 'Z' ? undefined : stat[19];
  } catch {
    return undefined;
  }
}

export function procComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'n/a';
  }
}

/**
 * PIDFile=: the pid in it, once it names a live process. A pid outside the service's cgroup is
 * accepted only from a file owned by root (systemd: "does not belong to service, and PID file is
 * not owned by root. Refusing."), so an unprivileged daemon cannot make the manager adopt (and
 * later kill) a process of someone else.
 */
export function readPidFile(path: string, cgroupDirs: readonly string[]): PidFileRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { kind: 'missing', message: err.code === 'ENOENT' ? 'No such file or directory' : err.message };
  }
  try {
    const text = readFileSync(fd, 'utf8');
    const pid = Number(text.trim().split(/\s/)[0]);
    if (!Number.isInteger(pid) || pid <= 1) return { kind: 'missing', message: 'Invalid argument' };
    if (procStartTime(pid) === undefined) return { kind: 'missing', message: `New main PID ${pid} does not exist or is a zombie.` };
    if (cgroupMembers(cgroupDirs).includes(pid)) return { kind: 'pid', pid, foreign: false };
    if (fstatSync(fd).uid !== 0) return { kind: 'refused', pid };
    return { kind: 'pid', pid, foreign: true };
  } finally {
    closeSync(fd);
  }
}

/**
 * GuessMainPID=: the one process of the cgroup whose parent is outside it (systemd picks the one
 * daemonized child of PID 1; the daemon is not PID 1, so "parent outside the cgroup" stands for
 * it); 0 when there is none or more than one.
 */
export function guessMainPid(cgroupDirs: readonly string[]): number {
  const members = cgroupMembers(cgroupDirs);
  const set = new Set(members);
  const candidates = [...set].filter((pid) => !set.has(ppidOf(pid)));
  return candidates.length === 1 ? candidates[0]! : 0;
}
