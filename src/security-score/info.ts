// The facts systemd-analyze security grades, derived from a loaded unit the way systemd 252's
// offline mode sees them: the unit's exec and cgroup contexts after the manager's load-time
// patches (unit_patch_contexts(): DynamicUser= implies a sandbox, PrivateDevices= and friends
// drop capabilities, ProtectClock= adds a device rule). Online-only adjustments (PrivateMounts=
// implied by other settings) are deliberately absent: offline output does not apply them.
import type { UnitSettings } from '../unit/settings.js';
import { CAPABILITY_NAMES } from '../plan/capabilities.js';
import type { RestrictableNamespace } from '../unit/exec-settings.js';
import { addressFamilies, type AddressFamilyRestrictions } from './address-families.js';
import { ipAccess, type IpAccess } from './ip-access.js';
import { effectiveSyscallFilter, type SyscallFilterSet } from './syscall-filter.js';
import { lastBoolean, lastOf, lastValue } from './other-values.js';
import { deviceFacts, type DeviceRule } from './devices.js';

export interface SecurityInfo {
  readonly id: string;
  readonly fragmentPath?: string;
  readonly defaultDependencies: boolean;
  readonly ambientCapabilities: readonly number[];
  /** Capabilities still in the bounding set. */
  readonly capabilityBoundingSet: ReadonlySet<number>;
  readonly user?: string;
  readonly supplementaryGroups: readonly string[];
  readonly dynamicUser: boolean;
  readonly ip: IpAccess;
  readonly keyringMode: string;
  readonly protectProc: string;
  readonly procSubset: string;
  readonly lockPersonality: boolean;
  readonly memoryDenyWriteExecute: boolean;
  readonly noNewPrivileges: boolean;
  readonly notifyAccess?: string;
  readonly protectHostname: boolean;
  readonly privateDevices: boolean;
  readonly privateMounts: boolean;
  readonly privateNetwork: boolean;
  readonly privateTmp: boolean;
  readonly privateUsers: boolean;
  readonly protectControlGroups: boolean;
  readonly protectKernelModules: boolean;
  readonly protectKernelTunables: boolean;
  readonly protectKernelLogs: boolean;
  readonly protectClock: boolean;
  readonly protectHome: string;
  readonly protectSystem: string;
  readonly removeIPC: boolean;
  readonly addressFamilies: AddressFamilyRestrictions;
  /** Namespace types the service may still create. */
  readonly allowedNamespaces: ReadonlySet<RestrictableNamespace>;
  readonly restrictRealtime: boolean;
  readonly restrictSUIDSGID: boolean;
  readonly rootDirectory?: string;
  readonly rootImage?: string;
  readonly delegate: boolean;
  readonly devicePolicy: string;
  /** DeviceAllow= rules, newest first, with those the manager adds. */
  readonly deviceAllow: readonly DeviceRule[];
  readonly systemCallArchitectures: readonly string[];
  readonly systemCallFilter: SyscallFilterSet;
  readonly umask: number;
}

/** What the scorer needs of a loaded unit (src/unit/load.ts's LoadedUnit fits). */
export interface ScoredUnit {
  readonly name: string;
  readonly fragmentPath?: string;
  readonly settings: UnitSettings;
}

/** Whether a system call name exists on the scoring host's architecture (libseccomp's answer). */
export type SyscallResolves = (name: string) => boolean;

const cap = (name: string): number => (CAPABILITY_NAMES as readonly string[]).indexOf(name);
const ALL_NAMESPACES: readonly RestrictableNamespace[] = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts'];

/** user_from_unit_name(): the unit's prefix when it is a valid user name, else a hashed name. */
function dynamicUserName(unitName: string): string {
  const prefix = unitName.replace(/@.*$/, '').replace(/\.[^.]*$/, '');
  return /^[a-z_][a-z0-9_-]{0,30}$/.test(prefix) ? prefix : `_du${prefix.length}`;
}

export function securityInfo(unit: ScoredUnit, resolves: SyscallResolves): SecurityInfo {
  const { exec, other, unit: unitSection, service } = unit.settings;
  // Exec and cgroup settings live in the unit type's own section ([Service], [Socket], ...).
  const type = unit.name.slice(unit.name.lastIndexOf('.') + 1);
  const section = `${type.charAt(0).toUpperCase()}${type.slice(1)}`;
  const svc = (key: string): readonly string[] => other[`${section}.${key}`] ?? [];
  const dynamicUser = lastBoolean(svc('DynamicUser')) ?? false;
  const privateDevices = exec.privateDevices;
  const protectClock = exec.protectClock;

  const bounding = new Set(exec.capabilityBoundingSet ?? CAPABILITY_NAMES.map((_, i) => i));
  const drop = (...names: string[]): void => names.forEach((n) => bounding.delete(cap(n)));
  if (privateDevices) drop('CAP_MKNOD', 'CAP_SYS_RAWIO');
  if (exec.protectKernelModules) drop('CAP_SYS_MODULE');
  if (exec.protectKernelLogs) drop('CAP_SYSLOG');
  if (protectClock) drop('CAP_SYS_TIME', 'CAP_WAKE_ALARM');

  const rootImage = lastValue(svc('RootImage'));
  const devicePolicy = lastOf(svc('DevicePolicy'), ['auto', 'closed', 'strict']);
  const devices = deviceFacts({
    ...(devicePolicy !== undefined ? { devicePolicy } : {}), deviceAllow: svc('DeviceAllow'), privateDevices, protectClock,
    rootImage: rootImage !== undefined,
  });

  // Units without an exec context (targets, timers, ...) keep systemd-analyze's blank defaults.
  const hasExecContext = ['service', 'socket', 'mount', 'swap'].includes(type);
  return {
    id: unit.name,
    ...(unit.fragmentPath !== undefined ? { fragmentPath: unit.fragmentPath } : {}),
    defaultDependencies: unitSection.defaultDependencies,
    ambientCapabilities: exec.ambientCapabilities,
    capabilityBoundingSet: bounding,
    ...(exec.user !== undefined ? { user: exec.user } : dynamicUser ? { user: dynamicUserName(unit.name) } : {}),
    supplementaryGroups: exec.supplementaryGroups,
    dynamicUser,
    ip: ipAccess(svc('IPAddressAllow'), svc('IPAddressDeny'), svc('IPIngressFilterPath'), svc('IPEgressFilterPath')),
    keyringMode: hasExecContext ? lastOf(svc('KeyringMode'), ['inherit', 'private', 'shared']) ?? 'private' : '',
    protectProc: exec.protectProc,
    procSubset: exec.procSubset,
    lockPersonality: exec.lockPersonality,
    memoryDenyWriteExecute: exec.memoryDenyWriteExecute,
    noNewPrivileges: exec.noNewPrivileges || dynamicUser,
    ...(service.notifyAccess !== undefined ? { notifyAccess: service.notifyAccess } : {}),
    protectHostname: exec.protectHostname,
    privateDevices,
    privateMounts: exec.privateMounts,
    privateNetwork: exec.privateNetwork,
    privateTmp: exec.privateTmp || dynamicUser,
    privateUsers: lastBoolean(svc('PrivateUsers')) ?? false,
    protectControlGroups: exec.protectControlGroups,
    protectKernelModules: exec.protectKernelModules,
    protectKernelTunables: exec.protectKernelTunables,
    protectKernelLogs: exec.protectKernelLogs,
    protectClock,
    protectHome: dynamicUser && exec.protectHome === 'no' ? 'read-only' : exec.protectHome,
    protectSystem: dynamicUser ? 'strict' : exec.protectSystem,
    removeIPC: (lastBoolean(svc('RemoveIPC')) ?? false) || dynamicUser,
    addressFamilies: addressFamilies(svc('RestrictAddressFamilies')),
    allowedNamespaces: new Set(exec.restrictNamespaces ?? ALL_NAMESPACES),
    restrictRealtime: exec.restrictRealtime,
    restrictSUIDSGID: exec.restrictSUIDSGID || dynamicUser,
    ...(exec.rootDirectory !== undefined ? { rootDirectory: exec.rootDirectory } : {}),
    ...(rootImage !== undefined ? { rootImage } : {}),
    // An empty Delegate= means yes; the model keeps it as an empty list with a location.
    delegate: delegates(svc('Delegate')) || (svc('Delegate').length === 0 && unit.settings.otherAt[`${section}.Delegate`] !== undefined),
    devicePolicy: devices.policy,
    deviceAllow: devices.allow,
    systemCallArchitectures: exec.systemCallArchitectures,
    systemCallFilter: effectiveSyscallFilter(exec.systemCallFilter, resolves),
    umask: hasExecContext ? exec.umask : 0o002,
  };
}

/** Delegate=: a boolean, or a list of controllers (which means yes). */
function delegates(values: readonly string[]): boolean {
  let on = false;
  for (const v of values) on = lastBoolean([v]) ?? (v.trim() !== '' ? true : on);
  return on;
}

/**
 * What systemd-analyze adds when it reads a unit from the running manager (acquire_security_info()),
 * not when it reads one offline: PrivateMounts= counts as set wherever another setting gives the
 * service its own mount namespace. The online table therefore scores some services lower.
 */
export function asReadFromManager(info: SecurityInfo): SecurityInfo {
  const ownMountNamespace = info.privateDevices || info.privateTmp || info.protectControlGroups ||
    info.protectKernelTunables || info.protectKernelModules || info.protectHome !== 'no' ||
    info.protectSystem !== 'no' || info.rootImage !== undefined;
  return ownMountNamespace ? { ...info, privateMounts: true } : info;
}
