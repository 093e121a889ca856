// ExecSettings: the parsed values of systemd.exec(5)'s settings for one unit.
// Plain data, filled by the unit-file parser (src/unit/) from directives and read by the sandbox
// planner. Values are already lexically parsed (prefixes split off, booleans and numbers decoded),
// but not yet interpreted: paths are not resolved, groups not expanded, users not looked up, since
// those need facts (the root's user database, the host environment) only known at start time.
import type { Propagation, Rlimit, RlimitValue } from '../plan/types.js';

/** One entry of ReadOnlyPaths=, ReadWritePaths=, InaccessiblePaths=, ExecPaths=, NoExecPaths=. */
export interface PathSetting {
  readonly path: string;
  /** `-` prefix: a missing path is skipped instead of failing the start. */
  readonly ignoreMissing: boolean;
  /** `+` prefix: the path is inside RootDirectory= rather than on the host. */
  readonly relativeToRoot: boolean;
}

/** One entry of TemporaryFileSystem=PATH[:OPTIONS]. */
export interface TemporaryFileSystemSetting {
  readonly path: string;
  /** Mount options as written after the colon (e.g. `mode=0700,size=10M,ro`); '' when none. */
  readonly options: string;
}

/** One entry of BindPaths= or BindReadOnlyPaths= (SOURCE[:DESTINATION[:OPTIONS]]). */
export interface BindPathSetting {
  /** A host path (never relative to RootDirectory=). */
  readonly source: string;
  /** Inside the sandbox; equal to `source` when not given. */
  readonly destination: string;
  /** `-` prefix on the source. */
  readonly ignoreMissing: boolean;
  /** `rbind` (the default) vs `norbind`. */
  readonly recursive: boolean;
}

export type ProtectSystem = 'no' | 'yes' | 'full' | 'strict';
export type ProtectHome = 'no' | 'yes' | 'read-only' | 'tmpfs';
export type ProtectProc = 'default' | 'noaccess' | 'invisible' | 'ptraceable';
export type ProcSubset = 'all' | 'pid';

/** WorkingDirectory=: a path, `~` (the user's home), with `-` meaning "fall back to / if missing". */
export type WorkingDirectorySetting =
  | { readonly kind: 'path'; readonly path: string; readonly ignoreMissing: boolean }
  | { readonly kind: 'home'; readonly ignoreMissing: boolean };

/** One EnvironmentFile= entry; `-` prefix: a missing file is ignored. */
export interface EnvironmentFileSetting {
  readonly path: string;
  readonly ignoreMissing: boolean;
}

/** What a filtered system call gets: an errno, the kill of the process, or just a log line. */
export type SystemCallAction =
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'kill' }
  | { readonly kind: 'log' };

/**
 * One SystemCallFilter= line, kept in order: the first line decides allow-list vs deny-list,
 * later lines add to or take from it (systemd.exec(5)). Names are syscall names or `@group`s.
 */
export interface SystemCallFilterLine {
  /** `~` prefix: the names are denied rather than allowed. */
  readonly invert: boolean;
  readonly names: readonly string[];
  /** `:ERRNO` suffix (deny lines only); absent: SystemCallErrorNumber= or kill. */
  readonly action?: SystemCallAction;
}

export type RestrictableNamespace = 'cgroup' | 'ipc' | 'net' | 'mnt' | 'pid' | 'user' | 'uts';

/** RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory=. */
export type ExecDirectoryType = 'runtime' | 'state' | 'cache' | 'logs' | 'configuration';
export const EXEC_DIRECTORY_TYPES: readonly ExecDirectoryType[] = ['runtime', 'state', 'cache', 'logs', 'configuration'];
/** Where each type lives for the system manager, and the variable that names them. */
export const EXEC_DIRECTORY_PREFIX: Readonly<Record<ExecDirectoryType, string>> = {
  runtime: '/run', state: '/var/lib', cache: '/var/cache', logs: '/var/log', configuration: '/etc',
};
export const EXEC_DIRECTORY_VARIABLE: Readonly<Record<ExecDirectoryType, string>> = {
  runtime: 'RUNTIME_DIRECTORY', state: 'STATE_DIRECTORY', cache: 'CACHE_DIRECTORY', logs: 'LOGS_DIRECTORY', configuration: 'CONFIGURATION_DIRECTORY',
};

export interface ExecSettings {
  // --- Paths and the file-system view ---
  readonly rootDirectory?: string;
  readonly rootDirectoryStartOnly: boolean;
  /** Absent: not set; then RootDirectory= implies yes. */
  readonly mountAPIVFS?: boolean;
  readonly readOnlyPaths: readonly PathSetting[];
  readonly readWritePaths: readonly PathSetting[];
  readonly inaccessiblePaths: readonly PathSetting[];
  readonly execPaths: readonly PathSetting[];
  readonly noExecPaths: readonly PathSetting[];
  readonly temporaryFileSystem: readonly TemporaryFileSystemSetting[];
  readonly bindPaths: readonly BindPathSetting[];
  readonly bindReadOnlyPaths: readonly BindPathSetting[];
  readonly privateTmp: boolean;
  readonly privateDevices: boolean;
  readonly privateNetwork: boolean;
  readonly privateIPC: boolean;
  readonly privateMounts: boolean;
  /** MountFlags=: the propagation the service's mounts end with; unset: systemd's default, shared. */
  readonly mountPropagation?: Propagation;
  readonly protectSystem: ProtectSystem;
  readonly protectHome: ProtectHome;
  readonly protectKernelTunables: boolean;
  readonly protectKernelModules: boolean;
  readonly protectKernelLogs: boolean;
  readonly protectControlGroups: boolean;
  readonly protectHostname: boolean;
  readonly protectClock: boolean;
  readonly protectProc: ProtectProc;
  readonly procSubset: ProcSubset;
  /** The *Directory= lists: relative paths below each type's prefix. */
  readonly execDirectories: Readonly<Record<ExecDirectoryType, readonly string[]>>;
  /** *DirectoryMode= (default 0755). */
  readonly execDirectoryModes: Readonly<Record<ExecDirectoryType, number>>;
  readonly runtimeDirectoryPreserve: 'no' | 'yes' | 'restart';

  // --- Credentials ---
  readonly user?: string;
  readonly group?: string;
  readonly supplementaryGroups: readonly string[];

  // --- Process ---
  readonly workingDirectory?: WorkingDirectorySetting;
  /** Environment= assignments in order, each `NAME=VALUE` (later ones win). */
  readonly environment: readonly string[];
  readonly environmentFiles: readonly EnvironmentFileSetting[];
  readonly passEnvironment: readonly string[];
  /** Names, or exact `NAME=VALUE` assignments to remove. */
  readonly unsetEnvironment: readonly string[];
  readonly umask: number;
  /** SyslogIdentifier=: the journal's SYSLOG_IDENTIFIER for the output (default: the program's name). */
  readonly syslogIdentifier?: string;
  /** SyslogLevel=: the priority of output lines without a `<N>` prefix (0-7, default info). */
  readonly syslogLevel: number;
  /** SyslogLevelPrefix=: whether a `<N>` at the start of a line sets its priority. */
  readonly syslogLevelPrefix: boolean;
  readonly limits: Readonly<Partial<Record<Rlimit, RlimitValue>>>;
  readonly nice?: number;
  readonly oomScoreAdjust?: number;

  // --- Capabilities and security ---
  /** Absent: all capabilities (systemd's default). Numbers as in plan/capabilities.ts. */
  readonly capabilityBoundingSet?: readonly number[];
  readonly ambientCapabilities: readonly number[];
  readonly noNewPrivileges: boolean;
  /** Empty: no filter. */
  readonly systemCallFilter: readonly SystemCallFilterLine[];
  /** Action for denied calls without their own `:ERRNO`; absent: kill the process. */
  readonly systemCallErrorNumber?: SystemCallAction;
  /** `native`, `x86-64`, `x86`, ...; empty: no restriction. */
  readonly systemCallArchitectures: readonly string[];
  /** Absent: no restriction; otherwise the namespace types still allowed (`yes` = []). */
  readonly restrictNamespaces?: readonly RestrictableNamespace[];
  readonly lockPersonality: boolean;
  readonly restrictRealtime: boolean;
  readonly restrictSUIDSGID: boolean;
  readonly memoryDenyWriteExecute: boolean;
}

/** systemd's defaults for a service without any exec setting. */
export const defaultExecSettings: ExecSettings = {
  rootDirectoryStartOnly: false,
  readOnlyPaths: [],
  readWritePaths: [],
  inaccessiblePaths: [],
  execPaths: [],
  noExecPaths: [],
  temporaryFileSystem: [],
  bindPaths: [],
  bindReadOnlyPaths: [],
  privateTmp: false,
  privateDevices: false,
  privateNetwork: false,
  privateIPC: false,
  privateMounts: false,
  protectSystem: 'no',
  protectHome: 'no',
  protectKernelTunables: false,
  protectKernelModules: false,
  protectKernelLogs: false,
  protectControlGroups: false,
  protectHostname: false,
  protectClock: false,
  protectProc: 'default',
  procSubset: 'all',
  execDirectories: { runtime: [], state: [], cache: [], logs: [], configuration: [] },
  execDirectoryModes: { runtime: 0o755, state: 0o755, cache: 0o755, logs: 0o755, configuration: 0o755 },
  runtimeDirectoryPreserve: 'no',
  supplementaryGroups: [],
  environment: [],
  environmentFiles: [],
  passEnvironment: [],
  unsetEnvironment: [],
  umask: 0o022,
  syslogLevel: 6,
  syslogLevelPrefix: true,
  limits: {},
  ambientCapabilities: [],
  noNewPrivileges: false,
  systemCallFilter: [],
  systemCallArchitectures: [],
  lockPersonality: false,
  restrictRealtime: false,
  restrictSUIDSGID: false,
  memoryDenyWriteExecute: false,
};
