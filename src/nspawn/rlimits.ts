// The payload's resource limits, as systemd-nspawn 252 sets them: RLIMIT_NOFILE soft 1024 (hard
// the caller's) unless --rlimit= names it, and whatever --rlimit= / Limit*= ask for.
// nspawn sets a limit it may not raise to the closest it can (setrlimit_closest): with
// RLIMIT_NOFILE=infinity (above any nr_open) or, without CAP_SYS_RESOURCE, above the caller's
// hard limit, it gets the caller's hard limit. nsbox knows the caller's hard limit for open files
// only; for the others a limit the helper may not raise fails the start (nspawn clamps it).
import { capabilityNumber } from '../plan/capabilities.js';
import type { Rlimit, RlimitValue } from '../plan/types.js';

const CAP_SYS_RESOURCE = capabilityNumber('SYS_RESOURCE') as number;

const clamp = (value: number | null, max: number): number => (value === null ? max : Math.min(value, max));

export function containerRlimits(
  asked: Readonly<Partial<Record<Rlimit, RlimitValue>>>,
  host: { readonly nofileHard: number; readonly boundingSet: readonly number[] },
): Partial<Record<Rlimit, RlimitValue>> {
  // select()-era programs break above 1024 open files: nspawn's rlimit_nofile_safe().
  const out: Partial<Record<Rlimit, RlimitValue>> = { nofile: { soft: Math.min(1024, host.nofileHard), hard: host.nofileHard }, ...asked };
  const nofile = asked.nofile;
  if (nofile !== undefined) {
    const mayRaise = host.boundingSet.includes(CAP_SYS_RESOURCE);
    const hard = nofile.hard === null || (!mayRaise && nofile.hard > host.nofileHard) ? host.nofileHard : nofile.hard;
    out.nofile = { soft: clamp(nofile.soft, hard), hard };
  }
  return out;
}
