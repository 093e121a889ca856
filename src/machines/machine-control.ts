// Stopping and signalling a running machine from outside, as machinectl does it: poweroff and
// reboot ask the container's init (SIGRTMIN+4 and SIGINT, what systemd as PID 1 takes as those
// requests), terminate ends every process of the container at once, kill signals the leader or
// all of them. The container's supervisor sees its payload end and cleans up as on any exit.
import { constants } from 'node:os';
import { signalCgroups } from '../launch/cgroup-signal.js';
import { NsboxError } from '../errors.js';
import type { RunningMachine } from './running.js';

export type KillWhom = 'leader' | 'all';

/** A machine whose leader is not known yet (still being set up) cannot take a leader's signal. */
export class MachineNotReadyError extends NsboxError {
  readonly code = 'MACHINE_NOT_READY';
  constructor(readonly machine: string) {
    super(`Machine '${machine}' has no leader process yet`);
    this.name = 'MachineNotReadyError';
  }
}

/** SIGRTMIN+N by number: Node names only the classic signals. */
const SIGRTMIN = 34;
export const POWEROFF_SIGNAL = SIGRTMIN + 4;
export const REBOOT_SIGNAL = constants.signals.SIGINT;

/** `SIGTERM`, `TERM`, `15` or `RTMIN+4` to its number; undefined when it is none of them. */
export function parseSignal(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= 64 ? n : undefined;
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(name);
  if (rt) return SIGRTMIN + Number(rt[1] ?? 0) <= 64 ? SIGRTMIN + Number(rt[1] ?? 0) : undefined;
  return (constants.signals as Record<string, number>)[`SIG${name}`];
}

function signalLeader(m: RunningMachine, signal: number): void {
  if (m.leader === undefined) throw new MachineNotReadyError(m.record.name);
  process.kill(m.leader, signal);
}

export function killMachine(m: RunningMachine, signal: number, whom: KillWhom): void {
  if (whom === 'leader') return signalLeader(m, signal);
  const name = Object.entries(constants.signals).find(([, n]) => n === signal)?.[0];
  if (name !== undefined) signalCgroups(m.record.cgroups, name as NodeJS.Signals);
  else signalLeader(m, signal);
}

export const poweroffMachine = (m: RunningMachine): void => signalLeader(m, POWEROFF_SIGNAL);
export const rebootMachine = (m: RunningMachine): void => signalLeader(m, REBOOT_SIGNAL);
/** Every process of the container, SIGKILL, as machined's terminate. */
export const terminateMachine = (m: RunningMachine): void => void signalCgroups(m.record.cgroups, 'SIGKILL');
