// What `nsbox nspawn` refuses, each with a stable code. The CLI prints the message and exits 1,
// as systemd-nspawn does for a bad command line, a tree that is not an OS, or an unknown user.
import { NsboxError } from '../errors.js';
import { formatDiagnostic, type UnitDiagnostic } from '../unit/diagnostics.js';

/** A malformed command line: unknown option, missing or bad argument, conflicting options. */
export class NspawnUsageError extends NsboxError {
  readonly code = 'NSPAWN_USAGE';
  constructor(readonly option: string, message: string) {
    super(`${option}: ${message}`);
    this.name = 'NspawnUsageError';
  }
}

/** An option systemd-nspawn has and nsbox does not implement yet: refused, never ignored. */
export class NspawnUnsupportedError extends NsboxError {
  readonly code = 'NSPAWN_UNSUPPORTED';
  constructor(readonly option: string) {
    super(`${option} is not supported yet`);
    this.name = 'NspawnUnsupportedError';
  }
}

/**
 * A .nspawn file nsbox cannot apply as written: a key it does not implement yet (never silently
 * dropped), a value nspawn would fail on at start-up, or a file nspawn itself refuses to load.
 * The message names FILE:LINE for each problem, one per line.
 */
export class NspawnSettingsError extends NsboxError {
  readonly code = 'NSPAWN_SETTINGS';
  readonly file: string;
  readonly line: number;
  readonly key: string | undefined;
  constructor(readonly problems: readonly UnitDiagnostic[]) {
    super(problems.map(formatDiagnostic).join('\n'));
    this.name = 'NspawnSettingsError';
    this.file = problems[0]?.file ?? '';
    this.line = problems[0]?.line ?? 0;
    this.key = problems[0]?.key;
  }
}

/** -D names nothing: a clearer word than "not an OS tree" for a typo in the path. */
export class TreeMissingError extends NsboxError {
  readonly code = 'NSPAWN_TREE_MISSING';
  constructor(readonly directory: string) {
    super(`Failed to resolve path ${directory}: No such file or directory`);
    this.name = 'TreeMissingError';
  }
}

/**
 * The directory has no usr/ (or is no directory), or a tree to boot has no os-release: refused
 * for the same reasons and in the same words as systemd-nspawn 252.
 */
export class NotAnOsTreeError extends NsboxError {
  readonly code = 'NSPAWN_NOT_OS_TREE';
  constructor(readonly directory: string, readonly missing: 'usr' | 'os-release') {
    super(missing === 'usr'
      ? `Directory ${directory} doesn't look like it has an OS tree (/usr/ directory is missing). Refusing.`
      : `Directory ${directory} doesn't look like an OS root directory (os-release file is missing). Refusing.`);
    this.name = 'NotAnOsTreeError';
  }
}

/** -u names a user the tree's /etc/passwd does not know. */
export class UnknownUserError extends NsboxError {
  readonly code = 'NSPAWN_UNKNOWN_USER';
  constructor(readonly user: string) {
    super(`failed to resolve user ${user} in the container's /etc/passwd`);
    this.name = 'UnknownUserError';
  }
}

/** Boot mode found none of the init binaries systemd-nspawn tries. */
export class NoInitError extends NsboxError {
  readonly code = 'NSPAWN_NO_INIT';
  constructor(readonly tried: readonly string[]) {
    super(`no init found in the container (tried ${tried.join(', ')})`);
    this.name = 'NoInitError';
  }
}

/** -M NAME without -D found no image under the machine directory. */
export class NoSuchImageError extends NsboxError {
  readonly code = 'NSPAWN_NO_SUCH_IMAGE';
  constructor(readonly machine: string, readonly searched: readonly string[]) {
    super(`no image for machine ${machine} (looked in ${searched.join(', ')})`);
    this.name = 'NoSuchImageError';
  }
}

/** The command (or default shell) is not in the tree. */
export class CommandNotFoundError extends NsboxError {
  readonly code = 'NSPAWN_COMMAND_NOT_FOUND';
  constructor(readonly command: string) {
    super(`${command}: command not found in the container`);
    this.name = 'CommandNotFoundError';
  }
}
