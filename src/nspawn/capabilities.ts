// The capabilities a container keeps: systemd-nspawn 252's default retain set, plus
// --capability=, minus --drop-capability=, plus CAP_NET_ADMIN with --private-network (the
// container then owns its network), all limited to what the host's bounding set still holds.
import { ALL_CAPABILITIES, capabilityNumber } from '../plan/capabilities.js';
import type { CapabilityArg } from './options.js';

const cap = (name: string): number => capabilityNumber(name) as number;

/** nspawn.c's arg_caps_retain default (26 capabilities). */
export const NSPAWN_DEFAULT_CAPABILITIES: readonly number[] = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_OWNER', 'KILL', 'LEASE',
  'LINUX_IMMUTABLE', 'MKNOD', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_NICE', 'SYS_PTRACE',
  'SYS_RESOURCE', 'SYS_TTY_CONFIG', 'AUDIT_CONTROL', 'AUDIT_WRITE',
].map(cap).sort((a, b) => a - b);

export const CAP_NET_ADMIN = cap('NET_ADMIN');

const expand = (args: readonly CapabilityArg[]): number[] =>
  args.flatMap((a) => (a === 'all' ? [...ALL_CAPABILITIES] : [...a]));

export interface CapabilityResult {
  readonly retained: readonly number[];
  /** Asked for but missing from the host's bounding set: nspawn warns about these too. */
  readonly unavailable: readonly number[];
}

export function containerCapabilities(opts: {
  readonly capability: readonly CapabilityArg[];
  readonly dropCapability: readonly CapabilityArg[];
  readonly privateNetwork: boolean;
  readonly hostBounding: readonly number[];
}): CapabilityResult {
  const wanted = new Set([...NSPAWN_DEFAULT_CAPABILITIES, ...expand(opts.capability)]);
  if (opts.privateNetwork) wanted.add(CAP_NET_ADMIN);
  for (const c of expand(opts.dropCapability)) wanted.delete(c);
  const host = new Set(opts.hostBounding);
  const sorted = [...wanted].sort((a, b) => a - b);
  return { retained: sorted.filter((c) => host.has(c)), unavailable: sorted.filter((c) => !host.has(c)) };
}
