// The system manager's unit search path (systemd 252 as built by Debian: /lib before /usr/lib),
// SYSTEMD_UNIT_PATH handling and the order of drop-in directories.
import { dropInNames, type UnitName } from './unit-name.js';

export const SYSTEM_UNIT_PATH: readonly string[] = [
  '/etc/systemd/system.control', '/run/systemd/system.control', '/run/systemd/transient',
  '/run/systemd/generator.early', '/etc/systemd/system', '/etc/systemd/system.attached',
  '/run/systemd/system', '/run/systemd/system.attached', '/run/systemd/generator',
  '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system',
  '/run/systemd/generator.late',
];

/**
 * The search path, highest precedence first. `unitPathVariable` is SYSTEMD_UNIT_PATH's value: its
 * entries replace the defaults, unless it ends in `:`, which appends them.
 */
export function unitSearchPath(unitPathVariable?: string): string[] {
  if (unitPathVariable === undefined || unitPathVariable === '') return [...SYSTEM_UNIT_PATH];
  const entries = unitPathVariable.split(':');
  const appendDefaults = entries[entries.length - 1] === '';
  const own = entries.filter((e) => e !== '');
  const all = appendDefaults ? [...own, ...SYSTEM_UNIT_PATH] : own;
  return [...new Set(all)];
}

/**
 * Drop-in directories for a unit, in precedence order: search-path-major (a drop-in in /etc beats
 * one in /usr/lib whatever directory name it sits under), then the most specific name first
 * (the unit, its aliases, its template, dash prefixes longest first, the bare type). Verified
 * against systemd 252, where /etc's foo@.service.d/x.conf wins over /usr/lib's foo@bar.service.d/x.conf.
 */
export function dropInDirectories(unit: UnitName, aliases: readonly UnitName[], searchPath: readonly string[]): string[] {
  const names: string[] = [];
  for (const u of [unit, ...aliases]) for (const n of dropInNames(u)) if (!names.includes(n)) names.push(n);
  // Bare types last: `service.d` is the least specific of all.
  names.sort((a, b) => Number(!a.includes('.')) - Number(!b.includes('.')));
  return searchPath.flatMap((dir) => names.map((n) => `${dir}/${n}.d`));
}

/**
 * Picks the drop-in files to apply: the first file of each basename in directory order wins (a
 * later one of the same name is shadowed), then they apply sorted by basename.
 */
export function selectDropIns(
  filesByDirectory: readonly { readonly directory: string; readonly names: readonly string[] }[],
): { readonly name: string; readonly path: string }[] {
  const chosen = new Map<string, string>();
  for (const { directory, names } of filesByDirectory) {
    for (const name of names) {
      if (name.endsWith('.conf') && !chosen.has(name)) chosen.set(name, `${directory}/${name}`);
    }
  }
  return [...chosen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, path]) => ({ name, path }));
}
