// What the system-call filter must do, as data: the planner derives it from the settings, the
// seccomp/ edge compiles it to BPF through libseccomp. Names may be `@group`s (resolved there).
import type { ExecSettings, SystemCallAction, SystemCallFilterLine } from '../unit/exec-settings.js';

const EPERM = 1;
/** cgroup, ipc, net, mnt, pid, user, uts. */
const ALL_NAMESPACE_TYPES = 7;

export interface SeccompDeny {
  readonly names: readonly string[];
  readonly action: SystemCallAction;
  /** The setting that asked for it, e.g. `ProtectKernelModules=yes`. */
  readonly origin: string;
}

/** The argument-checking settings come over from ExecSettings as they are. */
export interface SeccompPolicy
  extends Pick<ExecSettings, 'restrictNamespaces' | 'lockPersonality' | 'restrictRealtime' | 'restrictSUIDSGID' | 'memoryDenyWriteExecute'> {
  readonly filter: readonly SystemCallFilterLine[];
  /** For filter lines without their own action; default kill. */
  readonly defaultAction: SystemCallAction;
  readonly architectures: readonly string[];
  /** Plain denials implied by other settings (PrivateDevices= -> @raw-io ...). */
  readonly denies: readonly SeccompDeny[];
}

const eperm: SystemCallAction = { kind: 'errno', errno: EPERM };

/** Setting -> system calls it denies with EPERM (systemd.exec(5)). */
const IMPLIED_DENIES: readonly { readonly setting: keyof ExecSettings; readonly names: readonly string[]; readonly origin: string }[] = [
  { setting: 'privateDevices', names: ['@raw-io'], origin: 'PrivateDevices=yes' },
  { setting: 'protectKernelModules', names: ['@module'], origin: 'ProtectKernelModules=yes' },
  { setting: 'protectKernelLogs', names: ['syslog'], origin: 'ProtectKernelLogs=yes' },
  { setting: 'protectClock', names: ['@clock'], origin: 'ProtectClock=yes' },
  { setting: 'protectKernelTunables', names: ['_sysctl'], origin: 'ProtectKernelTunables=yes' },
  { setting: 'protectHostname', names: ['sethostname', 'setdomainname'], origin: 'ProtectHostname=yes' },
];

/** undefined when no setting asks for a filter. */
export function seccompPolicy(s: ExecSettings): SeccompPolicy | undefined {
  const denies = IMPLIED_DENIES.filter((d) => s[d.setting] === true).map((d) => ({ names: d.names, action: eperm, origin: d.origin }));
  const policy: SeccompPolicy = {
    filter: s.systemCallFilter,
    defaultAction: s.systemCallErrorNumber ?? { kind: 'kill' },
    architectures: s.systemCallArchitectures,
    denies,
    // Every type allowed (RestrictNamespaces=no) restricts nothing: no filter for it.
    ...(s.restrictNamespaces && s.restrictNamespaces.length < ALL_NAMESPACE_TYPES ? { restrictNamespaces: s.restrictNamespaces } : {}),
    lockPersonality: s.lockPersonality,
    restrictRealtime: s.restrictRealtime,
    restrictSUIDSGID: s.restrictSUIDSGID,
    memoryDenyWriteExecute: s.memoryDenyWriteExecute,
  };
  const empty = policy.filter.length === 0 && policy.architectures.length === 0 && denies.length === 0 &&
    !policy.restrictNamespaces && !s.lockPersonality && !s.restrictRealtime && !s.restrictSUIDSGID && !s.memoryDenyWriteExecute;
  return empty ? undefined : policy;
}
