// What a .nspawn settings file asks for, apart from the parser (settings-file.ts) and the merge
// (settings-merge.ts) so that each can name it without importing the other.
import type { Rlimit, RlimitValue } from '../plan/types.js';
import type { ResolvConfMode, TimezoneMode } from './host-files.js';
import type { BindSpec, SettingGroup, TmpfsSpec } from './options.js';
import type { OverlaySpec } from './overlay.js';
import type { Privileged } from './settings-privileged.js';
import type { VolatileMode } from './volatile.js';
import type { Ownership, PrivateUsers } from './private-users.js';

/** A key nsbox cannot apply as written; the merge decides whether it would take effect. */
export interface RefusedKey {
  readonly line: number;
  readonly key: string;
  readonly message: string;
  /** The command line setting this group keeps the key away, as any of the group's keys. */
  readonly group?: SettingGroup | undefined;
  /** An untrusted file loses it (with this warning) rather than failing on it. */
  readonly privileged?: Privileged | undefined;
}

/** What a settings file asks for, within what nsbox can apply. Absent: the file leaves it alone. */
export interface NspawnSettings {
  readonly file: string;
  /** From Boot= and ProcessTwo=; 'pid1' when either is set to no. */
  readonly startMode?: 'pid1' | 'boot' | 'pid2' | undefined;
  readonly parameters?: readonly string[] | undefined;
  /** NAME=VALUE entries only: a bare NAME is not taken from nspawn's environment, as -E NAME is. */
  readonly environment?: readonly string[] | undefined;
  readonly user?: string | undefined;
  readonly workingDirectory?: string | undefined;
  readonly capability: readonly number[];
  readonly dropCapability: readonly number[];
  readonly ambientCapability: readonly number[];
  readonly noNewPrivileges?: boolean | undefined;
  /** SystemCallFilter=: allow and (`~`) deny lists, as --system-call-filter= fills them. */
  readonly systemCallAllow: readonly string[];
  readonly systemCallDeny: readonly string[];
  readonly suppressSync?: boolean | undefined;
  /** CPUAffinity=: lines add CPUs, an empty one resets. */
  readonly cpuAffinity?: readonly number[] | undefined;
  readonly personality?: number | undefined;
  /** MachineID=, as a lower-case UUID; an all-zero id leaves it unset. */
  readonly machineId?: string | undefined;
  readonly rlimits: Readonly<Partial<Record<Rlimit, RlimitValue>>>;
  readonly oomScoreAdjust?: number | undefined;
  readonly resolvConf?: ResolvConfMode | undefined;
  readonly timezone?: TimezoneMode | undefined;
  readonly killSignal?: number | undefined;
  readonly hostname?: string | undefined;
  readonly ephemeral?: boolean | undefined;
  readonly notifyReady?: boolean | undefined;
  readonly volatile?: VolatileMode | undefined;
  readonly readOnly?: boolean | undefined;
  readonly binds: readonly BindSpec[];
  readonly tmpfs: readonly TmpfsSpec[];
  readonly overlays: readonly OverlaySpec[];
  readonly inaccessible: readonly string[];
  readonly privateNetwork?: boolean | undefined;
  /** PrivateUsers=; the two below count only with it, as in nspawn. */
  readonly privateUsers?: PrivateUsers | undefined;
  /** PrivateUsersOwnership=, or PrivateUsersChown= (chown or off). */
  readonly privateUsersOwnership?: Ownership | undefined;
  /** Only `no` gets here; it still counts as network configuration. */
  readonly virtualEthernet?: false | undefined;
  readonly refused: readonly RefusedKey[];
}
