// --tmpfs=PATH:OPTIONS (and TemporaryFileSystem= in .nspawn files) take mount options like a
// service's TemporaryFileSystem= (mode=, size=, nr_inodes=, nosuid...), with the same defaults
// (mode=0755, nodev): sandbox/tmpfs-options.ts is the one parser, and its diagnostics become usage
// errors here, since a command line cannot be half-applied.
import type { TmpfsOptions } from '../sandbox/mount-entry.js';
import { parseTmpfsOptions } from '../sandbox/tmpfs-options.js';
import { NspawnUsageError } from './errors.js';

/** The tmpfs options, and `ro`, which a container's tmpfs carries with it. */
export type NspawnTmpfsOptions = TmpfsOptions & { readonly readOnly: boolean };

export function parseNspawnTmpfsOptions(option: string, text: string): NspawnTmpfsOptions {
  const parsed = parseTmpfsOptions(option, text);
  const error = parsed.diagnostics.find((d) => d.level === 'error');
  if (error) throw new NspawnUsageError(option, error.message);
  return { ...parsed.tmpfs, readOnly: parsed.readOnly };
}
