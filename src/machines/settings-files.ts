// Finds and reads a machine's .nspawn file where systemd-nspawn 252 looks (systemd.nspawn(5)):
// NAME.nspawn in the admin's directories first, trusted; only when none has it, next to the tree
// (DIR's parent for -D DIR, the image directory for -M NAME), untrusted. The first file found is
// the only one read: an admin's file hides the one next to the tree instead of adding to it.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { NspawnOptions } from '../nspawn/options.js';
import { NspawnSettingsError } from '../nspawn/errors.js';
import { machineName } from '../nspawn/plan.js';
import { applySettingsFile, settingsTrusted, type MergedOptions } from '../nspawn/settings-file.js';
import { resolveDirectory } from './container.js';

export const SETTINGS_SEARCH_PATH = ['/etc/systemd/nspawn', '/run/systemd/nspawn'] as const;

export interface FoundSettingsFile {
  readonly path: string;
  readonly text: string;
  /** Found in one of the search path's directories (the admin's), rather than next to the tree. */
  readonly inSearchPath: boolean;
}

/** The file's text, undefined when there is none; any other failure is nspawn's "Failed to open". */
function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new NspawnSettingsError([{ file: path, line: 0, severity: 'error', message: `failed to read: ${code ?? String(err)}` }]);
  }
}

export function findSettingsFile(machine: string, directory: string, searchPath: readonly string[] = SETTINGS_SEARCH_PATH): FoundSettingsFile | undefined {
  const name = `${machine}.nspawn`;
  for (const dir of searchPath) {
    const path = `${dir}/${name}`;
    const text = readIfPresent(path);
    if (text !== undefined) return { path, text, inSearchPath: true };
  }
  // A container on the host's / has no "next to it".
  if (directory === '/') return undefined;
  const path = `${dirname(directory)}/${name}`;
  const text = readIfPresent(path);
  return text === undefined ? undefined : { path, text, inSearchPath: false };
}

/**
 * The command line's options with the machine's settings file merged in (--settings= says whether
 * and how), plus the warnings nspawn would print; NspawnSettingsError when nsbox cannot apply it.
 */
export function applyNspawnSettings(options: NspawnOptions, searchPath: readonly string[] = SETTINGS_SEARCH_PATH): MergedOptions {
  if (options.settings === 'no') return { options, warnings: [] };
  const directory = resolveDirectory(options);
  const found = findSettingsFile(machineName(options, directory), directory, searchPath);
  if (found === undefined) return { options, warnings: [] };
  return applySettingsFile(options, found.text, found.path, {
    trusted: settingsTrusted(options.settings, found.inSearchPath),
    override: options.settings === 'override',
  });
}
