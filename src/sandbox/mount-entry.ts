// One entry of the mount list, as systemd's namespace.c keeps it before anything is mounted.

/**
 * Mount modes in priority order: when two entries name the same path, the one listed earlier
 * here wins (systemd 252's MountMode enum order), so inaccessible beats read-only beats read-write.
 */
export const MOUNT_MODES = [
  'inaccessible', 'bind', 'bind-recursive', 'private-tmp', 'private-dev', 'bind-dev', 'sysfs',
  'procfs', 'read-only', 'read-write', 'noexec', 'exec', 'tmpfs', 'run', 'read-write-implicit',
] as const;

export type MountMode = (typeof MOUNT_MODES)[number];

export const modePriority = (mode: MountMode): number => MOUNT_MODES.indexOf(mode);

export interface TmpfsOptions {
  readonly mode: number;
  readonly sizeBytes?: number;
  readonly nrInodes?: number;
  readonly nosuid: boolean;
  readonly nodev: boolean;
  readonly noexec: boolean;
}

export interface MountEntry {
  /**
   * Before prefixing: inside the root when `hasRootPrefix` is false, a host path when true.
   * After `prefixWhereNeeded`: always a host path (the root prefixed), as systemd does.
   */
  readonly path: string;
  readonly mode: MountMode;
  /** `-`: a missing path is skipped instead of failing with 226/NAMESPACE. */
  readonly ignoreMissing: boolean;
  /** Read-only on top of what the mode implies (BindReadOnlyPaths=, tmpfs `ro`, merged duplicates). */
  readonly readOnly: boolean;
  /** The path already names a host path (systemd's has_prefix). */
  readonly hasRootPrefix: boolean;
  /** Bind source on the host (bind, private-tmp). */
  readonly source?: string;
  readonly tmpfs?: TmpfsOptions;
  /** The setting that asked for this entry, e.g. `ProtectSystem=strict`, for explain and errors. */
  readonly origin: string;
}

/** systemd's mount_entry_read_only(): explicit ro, or a mode that is ro by nature. */
export const entryIsReadOnly = (e: MountEntry): boolean =>
  e.readOnly || e.mode === 'read-only' || e.mode === 'inaccessible';
