// Settings a caller can start from instead of listing them. 'strict' is what most untrusted code
// needs and nothing it usually wants: the whole file system read-only except its own /tmp, no
// home directories, no devices but the pseudo ones, no network, no new privileges or capabilities,
// kernel knobs, modules, logs and cgroups protected, only the system calls a service needs.
import type { SandboxOptions } from './options.js';

export type Preset = 'strict' | 'none';

export const STRICT_PRESET: SandboxOptions = {
  protectSystem: 'strict',
  protectHome: true,
  privateTmp: true,
  privateDevices: true,
  privateNetwork: true,
  privateIPC: true,
  noNewPrivileges: true,
  capabilityBoundingSet: [],
  protectKernelTunables: true,
  protectKernelModules: true,
  protectKernelLogs: true,
  protectControlGroups: true,
  protectClock: true,
  protectHostname: true,
  restrictSUIDSGID: true,
  restrictRealtime: true,
  lockPersonality: true,
  systemCallFilter: ['@system-service'],
  systemCallArchitectures: ['native'],
};
