// CapabilityBoundingSet= and AmbientCapabilities=, minus what the Protect*/Private* settings take
// away (systemd drops these at unit load: they hold for every command that is sandboxed).
import { ALL_CAPABILITIES, capabilityNumber, processCapabilities } from '../plan/capabilities.js';
import type { Capabilities } from '../plan/types.js';
import type { ExecSettings } from '../unit/exec-settings.js';

const cap = (name: string): number => capabilityNumber(name) as number;

/** Setting -> capabilities removed from the bounding set when it is on. */
export const IMPLIED_CAPABILITY_DROPS: readonly { readonly setting: keyof ExecSettings; readonly drop: readonly number[] }[] = [
  { setting: 'privateDevices', drop: [cap('CAP_MKNOD'), cap('CAP_SYS_RAWIO')] },
  { setting: 'protectKernelModules', drop: [cap('CAP_SYS_MODULE')] },
  { setting: 'protectKernelLogs', drop: [cap('CAP_SYSLOG')] },
  { setting: 'protectClock', drop: [cap('CAP_SYS_TIME'), cap('CAP_WAKE_ALARM')] },
];

export function boundingSet(s: ExecSettings): number[] {
  const dropped = new Set(IMPLIED_CAPABILITY_DROPS.filter((d) => s[d.setting] === true).flatMap((d) => d.drop));
  return (s.capabilityBoundingSet ?? ALL_CAPABILITIES).filter((c) => !dropped.has(c)).sort((a, b) => a - b);
}

/**
 * The sets the payload starts with; undefined when nothing restricts them (keep the helper's full
 * set for root, and the kernel's usual drop on setuid for other users).
 */
export function serviceCapabilities(s: ExecSettings, uid: number, available: readonly number[] = ALL_CAPABILITIES): Capabilities | undefined {
  const bounding = boundingSet(s);
  // Like systemd, a service cannot gain capabilities its manager does not hold itself.
  const ambient = s.ambientCapabilities.filter((c) => bounding.includes(c) && available.includes(c));
  if (bounding.length === ALL_CAPABILITIES.length && ambient.length === 0) return undefined;
  const held = bounding.filter((c) => available.includes(c));
  return processCapabilities(held, uid, ambient, { bounding, rootInheritable: ambient });
}
