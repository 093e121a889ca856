// IPAddressAllow=/IPAddressDeny= and the custom BPF filters, reduced to the facts
// systemd-analyze security grades: is everything denied, and are the exceptions localhost only.
import { wordsOf } from './other-values.js';

export interface IpAccess {
  readonly denyAll: boolean;
  readonly allowLocalhost: boolean;
  readonly allowOther: boolean;
  readonly customIngress: boolean;
  readonly customEgress: boolean;
}

interface Prefix { readonly family: 4 | 6; readonly bytes: readonly number[]; readonly length: number }

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function parseIPv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** in_addr_prefix_from_string_auto(), the address masked to its prefix length as systemd stores it. */
function parsePrefix(word: string): Prefix | undefined {
  const slash = word.indexOf('/');
  const address = slash < 0 ? word : word.slice(0, slash);
  const v4 = parseIPv4(address);
  const bytes = v4 ?? parseIPv6(address);
  if (!bytes) return undefined;
  const family = v4 ? 4 : 6;
  const max = bytes.length * 8;
  const length = slash < 0 ? max : /^\d+$/.test(word.slice(slash + 1)) ? Number(word.slice(slash + 1)) : NaN;
  if (!(length >= 0 && length <= max)) return undefined;
  const masked = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    return b & (0xff << (8 - keep)) & 0xff;
  });
  return { family, bytes: masked, length };
}

const NAMED: Readonly<Record<string, readonly string[]>> = {
  any: ['0.0.0.0/0', '::/0'],
  localhost: ['127.0.0.0/8', '::1/128'],
  'link-local': ['169.254.0.0/16', 'fe80::/64'],
  multicast: ['224.0.0.0/4', 'ff00::/8'],
};

function prefixes(values: readonly string[]): Prefix[] {
  return wordsOf(values).flatMap((w) => (NAMED[w] ?? [w]).map(parsePrefix)).filter((p): p is Prefix => p !== undefined);
}

const isLocalhost = (p: Prefix): boolean =>
  p.family === 4 ? p.bytes[0] === 127 : p.bytes.every((b, i) => b === (i === 15 ? 1 : 0));

export function ipAccess(allow: readonly string[], deny: readonly string[], ingress: readonly string[], egress: readonly string[]): IpAccess {
  const denied = prefixes(deny);
  const allowed = prefixes(allow);
  return {
    denyAll: denied.some((p) => p.family === 4 && p.length === 0) && denied.some((p) => p.family === 6 && p.length === 0),
    allowLocalhost: allowed.some(isLocalhost),
    allowOther: allowed.some((p) => !isLocalhost(p)),
    customIngress: ingress.some((v) => v.trim() !== ''),
    customEgress: egress.some((v) => v.trim() !== ''),
  };
}
