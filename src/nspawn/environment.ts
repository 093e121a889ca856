// The payload's environment, built as systemd-nspawn 252 builds it: a fixed list, then -E.
// container= is what makes systemd (and other inits) behave as in a container; any value works,
// and "nsbox" tells them who the manager is (systemd-detect-virt reports "container-other").
import { NspawnUsageError } from './errors.js';
import { DEFAULT_PATH } from '../plan/default-path.js';

export interface EnvironmentInput {
  readonly containerUuid: string;
  /** Where the payload finds its sd_notify socket (nspawn: /run/host/notify). */
  readonly notifySocket: string;
  /** $CREDENTIALS_DIRECTORY, when the container has credentials. */
  readonly credentialsDirectory?: string;
  readonly hostOsRelease: Readonly<Record<string, string>>;
  /** The terminal type; absent with --pipe and no TERM in the caller's environment. */
  readonly term?: string;
  readonly home: string;
  readonly user: string;
  readonly setenv: readonly string[];
  readonly hostEnv: Readonly<Record<string, string>>;
}

/** os-release keys nspawn passes on as container_host_<key, lower-cased>. */
const HOST_KEYS = ['ID', 'VERSION_ID', 'BUILD_ID', 'VARIANT_ID', 'IMAGE_ID', 'IMAGE_VERSION'] as const;

export function containerEnvironment(input: EnvironmentInput): string[] {
  const env = new Map<string, string>([
    ['PATH', DEFAULT_PATH],
    ['container', 'nsbox'],
    ...(input.term !== undefined ? [['TERM', input.term] as [string, string]] : []),
    ['HOME', input.home],
    ['USER', input.user],
    ['LOGNAME', input.user],
    ['container_uuid', input.containerUuid],
    ['NOTIFY_SOCKET', input.notifySocket],
    ...(input.credentialsDirectory !== undefined ? [['CREDENTIALS_DIRECTORY', input.credentialsDirectory] as [string, string]] : []),
  ]);
  for (const key of HOST_KEYS) {
    const value = input.hostOsRelease[key];
    if (value !== undefined) env.set(`container_host_${key.toLowerCase()}`, value);
  }
  env.set('LANG', 'C.UTF-8');
  for (const entry of input.setenv) {
    const eq = entry.indexOf('=');
    if (eq >= 0) {
      env.set(entry.slice(0, eq), entry.slice(eq + 1));
      continue;
    }
    // -E NAME: the caller's value; an unset NAME is an error rather than a silent empty string.
    const value = input.hostEnv[entry];
    if (value === undefined) throw new NspawnUsageError('--setenv', `${entry} is not set in the environment`);
    env.set(entry, value);
  }
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** os-release(5) text -> key/value pairs (quotes and backslash escapes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    out[m[1]!] = value;
  }
  return out;
}
