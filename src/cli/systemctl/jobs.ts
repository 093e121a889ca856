// The job verbs: start, stop, restart, reload, try-restart, reload-or-restart, with systemctl
// 252's messages and exit codes (1 a failed job, 3 a job type the unit has not, 5 an unknown
// unit), --no-block (return once queued) and --wait (start/restart then wait for the unit to end).
import { setTimeout as sleep } from 'node:timers/promises';
import { NsboxError } from '../../errors.js';
import type { ManagerClient } from '../../manager/client.js';
import { JobUnitNotFoundError } from '../../manager/jobs.js';
import type { AnyJobVerb } from '../../manager/protocol.js';
import { UnitNotLoadedError } from '../../service/errors.js';
import type { Options, VerbContext } from './options.js';

/** systemctl's explanation of a failed job, by the unit's Result= (systemd 252's job_result wording). */
function failureReason(result: string): string {
  switch (result) {
    case 'exit-code': return 'the control process exited with error code';
    case 'signal': case 'core-dump': return 'a fatal signal was delivered to the control process';
    case 'timeout': return 'a timeout was exceeded';
    case 'resources': return 'of unavailable resources or another system error';
    case 'protocol': return 'the service did not take the steps required by its unit configuration';
    case 'start-limit-hit': return 'the service was started too often';
    default: return `of result '${result}'`;
  }
}

const POLL_MS = 100;

export async function jobs(ctx: VerbContext, verb: string): Promise<number> {
  const { opts, args: units } = ctx;
  if (opts.wait && verb !== 'start' && verb !== 'restart') {
    process.stderr.write(`--wait may only be used with the 'start' or 'restart' commands.\n`);
    return 1;
  }
  const client = ctx.client();
  // All jobs at once, as systemctl enqueues them all before it waits; messages in the order named.
  const outcomes = await Promise.all(units.map((unit) => jobOutcome(client, verb as AnyJobVerb, unit, opts)));
  for (const o of outcomes) process.stderr.write(o.message);
  let rc = outcomes.reduce((max, o) => Math.max(max, o.rc), 0);
  if (opts.wait) {
    // systemctl --wait: until every unit whose job went through is inactive again; a failed one fails.
    const waiting = units.filter((_, i) => outcomes[i]!.rc === 0);
    const ends = await Promise.all(waiting.map((u) => waitForEnd(client, u)));
    if (ends.includes('failed')) rc = Math.max(rc, 1);
  }
  return rc;
}

async function waitForEnd(client: ManagerClient, unit: string): Promise<string> {
  for (;;) {
    const st = await client.status(unit);
    if (st.activeState === 'inactive' || st.activeState === 'failed') return st.activeState;
    await sleep(POLL_MS);
  }
}

async function jobOutcome(client: ManagerClient, verb: AnyJobVerb, unit: string, opts: Options): Promise<{ rc: number; message: string }> {
  try {
    const job = await client.job(unit, verb, { block: opts.block });
    // skipped: ExecCondition= skipped the unit, which systemctl counts as success.
    if (job.result === 'done' || job.result === 'queued' || job.result === 'skipped') return { rc: 0, message: '' };
    if (job.result === 'assert') return { rc: 1, message: `Assertion failed on job for ${unit}.\n` };
    if (job.result === 'invalid') return { rc: 1, message: `${unit} is not active, cannot reload.\n` };
    if (verb === 'reload') return { rc: 1, message: `Job for ${unit} failed.\nSee "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.\n` };
    if (job.result === 'dependency') return { rc: 1, message: `A dependency job for ${unit} failed. See 'journalctl -xe' for details.\n` };
    const st = await client.status(unit);
    return { rc: 1, message: `Job for ${unit} failed because ${failureReason(st.result)}.\nSee "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.\n` };
  } catch (e) {
    if (e instanceof JobUnitNotFoundError) {
      // systemd: stopping a unit it never loaded says "not loaded"; either way exit 5.
      return { rc: 5, message: verb === 'stop' ? `Failed to stop ${unit}: Unit ${unit} not loaded.\n` : `Failed to ${verb} ${unit}: ${e.message}\n` };
    }
    if (e instanceof UnitNotLoadedError) return { rc: 1, message: `Failed to ${verb} ${unit}: ${e.message}\n${opts.quiet ? '' : e.details.map((d) => `${d}\n`).join('')}` };
    // systemd 252: `reload` of a unit without ExecReload= exits 3 ("Job type reload is not applicable").
    if (e instanceof NsboxError && /is not applicable/.test(e.message)) return { rc: 3, message: `Failed to ${verb} ${unit}: ${e.message}\n` };
    if (e instanceof NsboxError && (e.code.startsWith('JOB_') || e.code === 'MANAGER_REQUEST')) return { rc: 1, message: `Failed to ${verb} ${unit}: ${e.message}\n` };
    throw e;
  }
}
