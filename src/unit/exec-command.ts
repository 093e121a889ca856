// The command the planner builds a plan for: one Exec*= line as the unit parser read it.
// Kept minimal and structural so the parser's own exec-line type can be passed as is.

/** The Exec*= settings, in the order systemd runs them. */
export const COMMAND_KINDS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const;

/** Which Exec*= setting the command came from; RootDirectoryStartOnly= depends on it. */
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** The prefixes of an Exec line (systemd.service(5), "Table 1. Special executable prefixes"). */
export interface CommandPrefixes {
  /** `-`: a failing exit status is recorded but not treated as failure. */
  readonly ignoreFailure: boolean;
  /** `@`: argv[0] is the second word rather than the path. */
  readonly argv0Override: boolean;
  /** `:`: no environment variable substitution in the arguments. */
  readonly noEnvExpansion: boolean;
  /** `+`: full privileges; no sandboxing, no credentials, no namespaces at all. */
  readonly fullPrivileges: boolean;
  /** `!`: credentials (User=, Group=, SupplementaryGroups=) are not applied. */
  readonly noSetCredentials: boolean;
  /** `!!`: like `!`, but only where ambient capabilities are unsupported; so: ignored here. */
  readonly ambientFallback: boolean;
}

export interface ExecCommand {
  readonly kind: CommandKind;
  /** The executable; absolute (the parser resolves bare names as systemd does). */
  readonly path: string;
  /** Arguments with argv[0] first (with `@`, argv[0] is the given name), not yet $-expanded. */
  readonly argv: readonly string[];
  readonly prefixes: CommandPrefixes;
}

export const noPrefixes: CommandPrefixes = {
  ignoreFailure: false, argv0Override: false, noEnvExpansion: false,
  fullPrivileges: false, noSetCredentials: false, ambientFallback: false,
};
