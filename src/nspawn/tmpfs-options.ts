// --tmpfs=PATH:OPTIONS takes mount options like TemporaryFileSystem= (mode=, size=, nr_inodes=,
// nosuid...), with the same defaults (mode=0755, nodev); the sandbox's parser is reused and its
// diagnostics become usage errors, since a command line cannot be half-applied.
import { parseTmpfsOptions as parseSandboxTmpfsOptions } from '../sandbox/tmpfs-options.js';
import { NspawnUsageError } from './errors.js';

export interface TmpfsOptions {
  readonly mode: number;
  readonly sizeBytes?: number;
  readonly nrInodes?: number;
  readonly readOnly: boolean;
  readonly nosuid: boolean;
  readonly nodev: boolean;
  readonly noexec: boolean;
}

export function parseTmpfsOptions(option: string, text: string): TmpfsOptions {
  const parsed = parseSandboxTmpfsOptions(option, text);
  const error = parsed.diagnostics.find((d) => d.level === 'error');
  if (error) throw new NspawnUsageError(option, error.message);
  const t = parsed.tmpfs;
  return {
    mode: t.mode,
    ...(t.sizeBytes !== undefined ? { sizeBytes: t.sizeBytes } : {}),
    ...(t.nrInodes !== undefined ? { nrInodes: t.nrInodes } : {}),
    readOnly: parsed.readOnly,
    nosuid: t.nosuid,
    nodev: t.nodev,
    noexec: t.noexec,
  };
}
