// Hands this process over to the helper: execve() in place, so whoever waits for this pid (a
// shell, a service manager) waits for the payload, and a running container costs the helper's
// memory rather than Node's. Nobody reads a report fd afterwards, so the plan carries the text of
// every possible failure and the helper prints it itself.
import { writeSync } from 'node:fs';
import type { Plan } from '../plan/types.js';
import { encodePlan, type TextErrors } from '../plan/wire.js';
import { describeOp, describeStep } from '../plan/describe.js';
import { StepId, type StepName } from '../plan/wire-ids.js';
import { HelperError } from '../errors.js';
import { helperPath } from './helper-path.js';
import { loadLibc } from './libc.js';

export interface HandOverOptions {
  /** Exit code of the process when the sandbox cannot be set up (nspawn uses 1). */
  readonly failureExitCode: number;
  /** Put before every error line, e.g. `nsbox nspawn: `. */
  readonly labelPrefix: string;
}

const PLAN_FD = 3;
const F_SETFD = 2;
const MFD_CLOEXEC = 1;


export function textErrorsFor(plan: Plan, options: HandOverOptions): TextErrors {
  const steps = Object.entries(StepId) as [StepName, number][];
  const stepLabels: string[] = [];
  for (const [name, id] of steps) stepLabels[id] = options.labelPrefix + describeStep(name, plan);
  return {
    opLabels: plan.ops.map((op) => options.labelPrefix + describeOp(op)),
    stepLabels: Array.from(stepLabels, (l) => l ?? options.labelPrefix + 'setup'),
    failureExitCode: options.failureExitCode,
  };
}

/** Never returns: this process becomes the helper. Throws only if the exec itself fails. */
export function handOver(plan: Plan, options: HandOverOptions): never {
  const wire = encodePlan(plan, textErrorsFor(plan, options));
  const c = loadLibc();
  const memfd = c.memfd_create('nsbox-plan', MFD_CLOEXEC);
  if (memfd < 0) throw new HelperError('memfd_create failed', helperPath);
  writeSync(memfd, wire);
  c.lseek(memfd, 0, 0);
  // dup2 clears FD_CLOEXEC on the new fd; Node marks 0-2 close-on-exec, so clear those by hand.
  if (memfd !== PLAN_FD && c.dup2(memfd, PLAN_FD) < 0) throw new HelperError('dup2 of the plan fd failed', helperPath);
  if (memfd === PLAN_FD) c.fcntl(PLAN_FD, F_SETFD, 'int', 0);
  for (const fd of [0, 1, 2]) c.fcntl(fd, F_SETFD, 'int', 0);
  const env = Object.entries(process.env).map(([k, v]) => `${k}=${v ?? ''}`);
  c.execve(helperPath, [helperPath, null], [...env, null]);
  throw new HelperError(`cannot exec the helper ${helperPath}`, helperPath);
}
