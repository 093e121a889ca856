// The environment the manager gives every command before the unit's own (systemd.exec(5),
// "Environment Variables in Spawned Processes"): systemd's PATH, and the locale: /etc/locale.conf's
// assignments, else the manager's own LANG/LC_*, else LANG=C.UTF-8 (systemd 252's default locale).
import { readFileSync } from 'node:fs';
import { DEFAULT_PATH_ASSIGNMENT } from '../sandbox/environment.js';
import { parseEnvironmentFile } from '../sandbox/env-file.js';

const LOCALE_VARIABLES = [
  'LANG', 'LANGUAGE', 'LC_CTYPE', 'LC_NUMERIC', 'LC_TIME', 'LC_COLLATE', 'LC_MONETARY', 'LC_MESSAGES', 'LC_PAPER',
  'LC_NAME', 'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION',
];

export function localeEnvironment(localeConf: string | undefined, own: Readonly<Record<string, string | undefined>>): string[] {
  if (localeConf !== undefined) {
    const fromFile = parseEnvironmentFile(localeConf, '/etc/locale.conf').assignments
      .filter((a) => LOCALE_VARIABLES.includes(a.slice(0, a.indexOf('='))) && a.indexOf('=') < a.length - 1);
    if (fromFile.length > 0) return fromFile;
  }
  const fromEnv = LOCALE_VARIABLES.flatMap((k) => (own[k] ? [`${k}=${own[k]}`] : []));
  return fromEnv.length > 0 ? fromEnv : ['LANG=C.UTF-8'];
}

export function managerEnvironment(): string[] {
  let conf: string | undefined;
  try {
    conf = readFileSync('/etc/locale.conf', 'utf8');
  } catch {
    conf = undefined;
  }
  return [DEFAULT_PATH_ASSIGNMENT, ...localeEnvironment(conf, process.env)];
}
