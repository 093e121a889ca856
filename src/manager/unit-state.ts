// What a running service's state on disk holds ($RUNTIME_DIR/units/NAME.json), so a daemon that
// starts after another one was killed re-adopts the service from it and from the resident
// supervisor's HELLO. Written (atomically: a temporary file renamed) at every state change of a
// service run through the resident; removed once the service is inactive again.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessEnd, ServiceResult, ServiceSubState } from './states.js';

/** service.ts's ProcessRecord, as saved (kept apart so the two files import no cycle). */
export interface SavedProcess {
  readonly kind: string;
  readonly pid: number;
  readonly argv: readonly string[];
  readonly startUs: number;
  readonly exitUs?: number;
  readonly end?: ProcessEnd;
}

export interface UnitState {
  readonly unit: string;
  readonly invocationId: string;
  readonly sub: ServiceSubState;
  readonly result: ServiceResult;
  readonly mainPid: number;
  /** The resident's launch id of the main process, when one runs. */
  readonly mainLaunchId?: number;
  readonly cgroupDirs: readonly string[];
  readonly privateTmp?: { readonly tmp: string; readonly varTmp: string };
  readonly execMain?: SavedProcess;
  readonly nRestarts: number;
  readonly stateChangeUs: number;
  readonly activeEnterUs: number;
  readonly inactiveExitUs: number;
}

const unitsDir = (runtimeDir: string): string => join(runtimeDir, 'units');

export function writeUnitState(runtimeDir: string, state: UnitState): void {
  const dir = unitsDir(runtimeDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${state.unit}.json`);
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}

export function removeUnitState(runtimeDir: string, unit: string): void {
  rmSync(join(unitsDir(runtimeDir), `${unit}.json`), { force: true });
}

/** Every state file that parses; a broken one is skipped (and named in the returned list). */
export function readUnitStates(runtimeDir: string): { states: UnitState[]; broken: string[] } {
  let names: string[] = [];
  try {
    names = readdirSync(unitsDir(runtimeDir)).filter((n) => n.endsWith('.json'));
  } catch {
    return { states: [], broken: [] };
  }
  const states: UnitState[] = [];
  const broken: string[] = [];
  for (const name of names) {
    try {
      const state = JSON.parse(readFileSync(join(unitsDir(runtimeDir), name), 'utf8')) as UnitState;
      if (typeof state.unit === 'string' && typeof state.invocationId === 'string' && Array.isArray(state.cgroupDirs)) states.push(state);
      else broken.push(name);
    } catch {
      broken.push(name);
    }
  }
  return { states, broken };
}
