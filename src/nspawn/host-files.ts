// /etc/resolv.conf and /etc/localtime, as nspawn's --resolv-conf=auto and --timezone=auto treat
// them on a host without systemd-resolved: the host's resolv.conf is copied into a writable tree
// (bound read-only over an existing file in a read-only one) and nothing is done with a private
// network (the host's servers are unreachable from there); the host's zone is bound over
// /etc/localtime unless the tree's link already names it.
import type { Op } from '../plan/types.js';
import { hostPath, rootPath } from '../plan/types.js';
import type { HostFacts, TreeFacts } from './facts.js';

const RO = { readOnly: true, nosuid: true, nodev: true } as const;

export function resolvConfOps(host: HostFacts, tree: TreeFacts, o: { readonly readOnly: boolean; readonly privateNetwork: boolean }): Op[] {
  if (o.privateNetwork || !tree.present.has('/etc')) return [];
  if (!o.readOnly && host.resolvConf !== undefined) {
    return [{ kind: 'write-file', path: rootPath('/etc/resolv.conf'), content: host.resolvConf, mode: 0o644 }];
  }
  if (o.readOnly && host.resolvConfPath !== undefined && tree.present.has('/etc/resolv.conf')) {
    return [{ kind: 'bind', source: hostPath(host.resolvConfPath), target: rootPath('/etc/resolv.conf'), recursive: false, flags: RO, optional: true, create: 'no' }];
  }
  return [];
}

export function localtimeOps(host: HostFacts, tree: TreeFacts, o: { readonly readOnly: boolean }): Op[] {
  if (host.timezone === undefined || !tree.present.has('/etc')) return [];
  const lt = tree.localtime;
  if (lt.kind === 'symlink' && lt.target.endsWith(`zoneinfo/${host.timezone.name}`)) return [];
  // A symlink elsewhere would be followed by the bind; nspawn rewrites it, which needs an unlink.
  if (lt.kind === 'symlink') return [];
  if (lt.kind === 'missing' && o.readOnly) return [];
  return [{ kind: 'bind', source: hostPath(host.timezone.file), target: rootPath('/etc/localtime'), recursive: false, flags: RO, optional: true, create: 'file' }];
}
