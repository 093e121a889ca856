// --cpu-affinity= and CPUAffinity=: CPU lists as systemd-nspawn 252 reads them. Words are split at
// whitespace and commas, each a CPU number or a range LOW-HIGH; checked against nspawn 252:
// `1,0`, `0 1` and ` 0, 1 ` are all CPUs 0 and 1, `0-` and `x` are refused, a range whose low end
// is above its high end is skipped (with a warning in a settings file), `all` is not taken.
// The kernel then ignores CPUs the host lacks, as long as one of the set is there.
import { MAX_CPUS } from '../plan/wire.js';

export type CpuList =
  | { readonly kind: 'cpus'; readonly cpus: readonly number[]; readonly reversedRanges: readonly string[] }
  | { readonly kind: 'invalid'; readonly word: string; readonly reason: string };

/** The CPUs named, sorted and without repeats; an empty value names none. */
export function parseCpuList(value: string): CpuList {
  const cpus = new Set<number>();
  const reversedRanges: string[] = [];
  for (const word of value.split(/[ \t\n\r,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(word);
    if (!m) return { kind: 'invalid', word, reason: 'not a CPU number or range' };
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    if (low >= MAX_CPUS || high >= MAX_CPUS) return { kind: 'invalid', word, reason: `CPU numbers go up to ${MAX_CPUS - 1}` };
    if (low > high) {
      reversedRanges.push(word);
      continue;
    }
    for (let c = low; c <= high; c++) cpus.add(c);
  }
  return { kind: 'cpus', cpus: [...cpus].sort((a, b) => a - b), reversedRanges };
}
