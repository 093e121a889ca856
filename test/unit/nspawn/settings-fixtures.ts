// Shared by the .nspawn settings tests: a settings file next to an image, and applying one to a
// command line, trusted or not.
import { parseNspawnArgs, type NspawnOptions } from '../../../src/nspawn/options.js';
import { applySettingsFile } from '../../../src/nspawn/settings-file.js';
import { capabilityNumber } from '../../../src/plan/capabilities.js';

export const FILE = '/var/lib/machines/box.nspawn';
export const cap = (n: string): number => capabilityNumber(n)!;
export const cli = (...args: string[]): NspawnOptions => parseNspawnArgs(['-D', '/var/lib/machines/box', ...args]);
export const TRUSTED = { trusted: true, override: false };
export const UNTRUSTED = { trusted: false, override: false };
export const apply = (text: string, options = cli(), how = TRUSTED) => applySettingsFile(options, text, FILE, how);
