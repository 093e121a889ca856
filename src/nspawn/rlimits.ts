// The payload's resource limits, as systemd-nspawn 252 sets them: RLIMIT_NOFILE soft 1024 (hard
// the caller's) unless --rlimit= names it, and whatever --rlimit= / Limit*= ask for.
// nspawn sets a limit it may not raise to the closest it can (setrlimit_closest): with
// RLIMIT_NOFILE=infinity (above any nr_open) or, without CAP_SYS_RESOURCE, above the caller's
// hard limit, it gets the caller's hard limit; so does every other limit without
// CAP_SYS_RESOURCE, where the caller's hard limits are known (HostFacts.hardLimits).
import { capabilityNumber } from '../plan/capabilities.js';
import type { Rlimit, RlimitValue } from '../plan/types.js';

const CAP_SYS_RESOURCE = capabilityNumber('SYS_RESOURCE') as number;

const clamp = (value: number | null, max: number): number => (value === null ? max : Math.min(value, max));

export function containerRlimits(
  asked: Readonly<Partial<Record<Rlimit, RlimitValue>>>,
  host: { readonly nofileHard: number; readonly boundingSet: readonly number[]; readonly hardLimits?: Readonly<Partial<Record<Rlimit, number | null>>> },
): Partial<Record<Rlimit, RlimitValue>> {
  // select()-era programs break above 1024 open files: nspawn's rlimit_nofile_safe().
  const out: Partial<Record<Rlimit, RlimitValue>> = { nofile: { soft: Math.min(1024, host.nofileHard), hard: host.nofileHard }, ...asked };
  const mayRaise = host.boundingSet.includes(CAP_SYS_RESOURCE);
  if (!mayRaise) {
    for (const [name, value] of Object.entries(asked) as [Rlimit, RlimitValue][]) {
      const callers = host.hardLimits?.[name];
      if (name === 'nofile' || callers === undefined || callers === null) continue;
      const hard = value.hard === null || value.hard > callers ? callers : value.hard;
      out[name] = { soft: clamp(value.soft, hard), hard };
    }
  }
  const nofile = asked.nofile;
  if (nofile !== undefined) {
    const hard = nofile.hard === null || (!mayRaise && nofile.hard > host.nofileHard) ? host.nofileHard : nofile.hard;
    out.nofile = { soft: clamp(nofile.soft, hard), hard };
  }
  return out;
}
