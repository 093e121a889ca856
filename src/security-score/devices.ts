// DevicePolicy=/DeviceAllow= as systemd 252 keeps them after loading: entries in the order the
// manager's list holds them (each new one is prepended), with the rules the manager adds itself.
import { wordsOf } from './other-values.js';

export interface DeviceRule {
  readonly path: string;
  /** Subset of "rwm", in that order. */
  readonly access: string;
}

const normalizeAccess = (access: string): string => ['r', 'w', 'm'].filter((c) => access === '' || access.includes(c)).join('');

/** One DeviceAllow= value; undefined when systemd would ignore it with a warning. */
function parseRule(value: string): DeviceRule | undefined {
  const [path, ...rest] = wordsOf([value]);
  if (path === undefined) return undefined;
  const access = rest.join(' ');
  if (!/^[rwm]*$/.test(access)) return undefined;
  if (!/^(block-|char-)/.test(path)) {
    if (!path.startsWith('/dev/') && !path.startsWith('/run/systemd/inaccessible/')) return undefined;
  }
  const simplified = /^(block-|char-)/.test(path) ? path : `/${path.split('/').filter((p) => p !== '' && p !== '.').join('/')}`;
  return { path: simplified, access: normalizeAccess(access) };
}

export interface DeviceFacts {
  readonly policy: string;
  /** Newest first, as systemd lists them. */
  readonly allow: readonly DeviceRule[];
}

export interface DeviceInputs {
  readonly devicePolicy?: string;
  readonly deviceAllow: readonly string[];
  readonly privateDevices: boolean;
  readonly protectClock: boolean;
  readonly rootImage: boolean;
}

export function deviceFacts(inputs: DeviceInputs): DeviceFacts {
  const allow: DeviceRule[] = [];
  for (const v of inputs.deviceAllow) {
    const rule = parseRule(v);
    if (rule) allow.unshift(rule);
  }
  let policy = inputs.devicePolicy ?? 'auto';
  if (inputs.privateDevices && policy === 'auto') policy = 'closed';
  // unit_patch_contexts(): only where an ACL is in force already, since a rule implies the rest is denied.
  if (policy !== 'auto' || allow.length > 0) {
    const add = (path: string, access: string): void => void allow.unshift({ path, access });
    if (inputs.rootImage) {
      add('/dev/loop-control', 'rw');
      add('/dev/mapper/control', 'rw');
      for (const p of ['block-loop', 'block-blkext', 'block-device-mapper']) add(p, 'rwm');
    }
    if (inputs.protectClock) add('char-rtc', 'r');
  }
  return { policy, allow };
}
