// /etc/resolv.conf and /etc/localtime, as nspawn's --resolv-conf= and --timezone= treat them on a
// host without systemd-resolved (checked against systemd-nspawn 252 here, file by file):
// - auto: the host's resolv.conf is copied into a writable tree (bound read-only over an existing
//   file in a read-only one) and nothing is done with a private network (the host's servers are
//   unreachable from there); the host's zone is bound over /etc/localtime unless the tree's link
//   already names it.
// - off leaves the tree's files alone; copy-host copies the host's file (not into a read-only
//   tree); bind-host, bind-static, bind-uplink and bind-stub bind /etc/resolv.conf,
//   /usr/lib/systemd/resolv.conf, /run/systemd/resolve/resolv.conf or .../stub-resolv.conf over
//   it, read-only, nosuid, nodev, and nothing when that file is missing (nspawn warns).
// - --timezone=bind binds the host's zone over /etc/localtime, through a symlink to its target.
// A symlinked /etc/resolv.conf is left alone (see resolvConfOps). Where nspawn follows a symlinked
// /etc/localtime to a file that is not there, it copies the host's file over the link; the
// helper's bind fails the start then.
// The other modes need what the planner does not have: the static, uplink and stub files' bytes
// (copy-*, replace-*), the host's zone file's bytes (copy), whether the zone exists in the tree
// (symlink), and an op that removes a file (replace-*, delete, symlink over an existing file).
// They are refused by name.
import type { Op } from '../plan/types.js';
import { hostPath, rootPath } from '../plan/types.js';
import { NspawnUnsupportedError, NspawnUsageError } from './errors.js';
import type { HostFacts, TreeFacts } from './facts.js';

/** Every --resolv-conf= mode of nspawn 252; the first ones nsbox applies. */
const RESOLV_CONF_MODES = [
  'off', 'auto', 'copy-host', 'bind-host', 'bind-static', 'bind-uplink', 'bind-stub',
  'copy-static', 'copy-uplink', 'copy-stub', 'replace-host', 'replace-static', 'replace-uplink', 'replace-stub', 'delete',
] as const;
const RESOLV_CONF_SUPPORTED = ['off', 'auto', 'copy-host', 'bind-host', 'bind-static', 'bind-uplink', 'bind-stub'] as const;
export type ResolvConfMode = (typeof RESOLV_CONF_SUPPORTED)[number];

/** Every --timezone= mode of nspawn 252; the first ones nsbox applies. */
const TIMEZONE_MODES = ['off', 'auto', 'bind', 'copy', 'symlink', 'delete'] as const;
const TIMEZONE_SUPPORTED = ['off', 'auto', 'bind'] as const;
export type TimezoneMode = (typeof TIMEZONE_SUPPORTED)[number];

/** A mode nsbox applies, 'unsupported' for one of nspawn's it does not, undefined for no mode at all. */
function mode<T extends string>(all: readonly string[], supported: readonly T[], value: string): T | 'unsupported' | undefined {
  if ((supported as readonly string[]).includes(value)) return value as T;
  return all.includes(value) ? 'unsupported' : undefined;
}

export const resolvConfMode = (value: string): ResolvConfMode | 'unsupported' | undefined => mode(RESOLV_CONF_MODES, RESOLV_CONF_SUPPORTED, value);
export const timezoneMode = (value: string): TimezoneMode | 'unsupported' | undefined => mode(TIMEZONE_MODES, TIMEZONE_SUPPORTED, value);

export function parseResolvConfMode(option: string, value: string): ResolvConfMode {
  const m = resolvConfMode(value);
  if (m === 'unsupported') throw new NspawnUnsupportedError(`${option}=${value}`);
  if (m === undefined) throw new NspawnUsageError(option, `unknown mode "${value}" (${RESOLV_CONF_MODES.join(', ')})`);
  return m;
}

export function parseTimezoneMode(option: string, value: string): TimezoneMode {
  const m = timezoneMode(value);
  if (m === 'unsupported') throw new NspawnUnsupportedError(`${option}=${value}`);
  if (m === undefined) throw new NspawnUsageError(option, `unknown mode "${value}" (${TIMEZONE_MODES.join(', ')})`);
  return m;
}

/** Where nspawn's bind-* modes take resolv.conf from; resolved's files when it runs. */
const RESOLV_CONF_SOURCES: Readonly<Record<'static' | 'uplink' | 'stub', string>> = {
  static: '/usr/lib/systemd/resolv.conf',
  uplink: '/run/systemd/resolve/resolv.conf',
  stub: '/run/systemd/resolve/stub-resolv.conf',
};

const RO = { readOnly: true, nosuid: true, nodev: true } as const;

/** Read-only over the tree's file; a missing source is skipped, as nspawn only warns then. */
function bindOver(source: string, target: string, tree: TreeFacts, o: { readonly readOnly: boolean; readonly targetExists: boolean }): Op[] {
  // A read-only tree has no room for a new mount point.
  if (!tree.present.has('/etc') || (o.readOnly && !o.targetExists)) return [];
  return [{ kind: 'bind', source: hostPath(source), target: rootPath(target), recursive: false, flags: RO, optional: true, create: 'file' }];
}

export function resolvConfOps(
  host: HostFacts, tree: TreeFacts, o: { readonly readOnly: boolean; readonly privateNetwork: boolean; readonly resolvConf: ResolvConfMode },
): Op[] {
  // A symlinked /etc/resolv.conf is left alone by every mode. nspawn copies with O_NOFOLLOW (so
  // it skips the link) and binds over the link's target when that exists in the tree; typically
  // it points into /run, which is empty at start-up, and a bind through it would fail the start.
  if (tree.symlinks?.has('/etc/resolv.conf')) return [];
  const over = { readOnly: o.readOnly, targetExists: tree.present.has('/etc/resolv.conf') };
  const copy = (): Op[] =>
    host.resolvConf === undefined || !tree.present.has('/etc') ? [] : [{ kind: 'write-file', path: rootPath('/etc/resolv.conf'), content: host.resolvConf, mode: 0o644 }];
  switch (o.resolvConf) {
    case 'off': return [];
    case 'copy-host': return o.readOnly ? [] : copy();
    case 'bind-host': return host.resolvConfPath === undefined ? [] : bindOver(host.resolvConfPath, '/etc/resolv.conf', tree, over);
    case 'bind-static': return bindOver(RESOLV_CONF_SOURCES.static, '/etc/resolv.conf', tree, over);
    case 'bind-uplink': return bindOver(RESOLV_CONF_SOURCES.uplink, '/etc/resolv.conf', tree, over);
    case 'bind-stub': return bindOver(RESOLV_CONF_SOURCES.stub, '/etc/resolv.conf', tree, over);
    case 'auto':
      if (o.privateNetwork) return [];
      if (!o.readOnly) return copy();
      return host.resolvConfPath === undefined ? [] : bindOver(host.resolvConfPath, '/etc/resolv.conf', tree, over);
  }
}

export function localtimeOps(host: HostFacts, tree: TreeFacts, o: { readonly readOnly: boolean; readonly timezone: TimezoneMode }): Op[] {
  if (o.timezone === 'off' || host.timezone === undefined) return [];
  const lt = tree.localtime;
  // auto: nspawn rewrites a link that names another zone (which needs an unlink) and leaves one
  // naming the host's alone; nsbox leaves both.
  if (o.timezone === 'auto' && lt.kind === 'symlink') return [];
  return bindOver(host.timezone.file, '/etc/localtime', tree, { readOnly: o.readOnly, targetExists: lt.kind !== 'missing' });
}
