// How the host's cgroups look (a fact the edge gathers) and what the container gets:
//   unified  cgroup2 only: the container gets a fresh cgroup2 at /sys/fs/cgroup;
//   hybrid   v1 controllers + name=systemd v1 + cgroup2 at /sys/fs/cgroup/unified;
//   legacy   v1 controllers + name=systemd v1.
// As systemd-nspawn does, the container sees hybrid on a hybrid host only if the tree has systemd
// (older inits know nothing of it), and its own name=systemd and cgroup2 subtrees are writable:
// the payload joins them before its cgroup namespace is made, so they are its "/".
import type { Op } from '../plan/types.js';
import { hostPath, rootPath } from '../plan/types.js';

export type CgroupMode = 'unified' | 'hybrid' | 'legacy';

export interface V1Hierarchy {
  /** Directory name under the cgroup root, e.g. "memory", "cpu,cpuacct", "systemd". */
  readonly name: string;
  readonly mountPoint: string;
  /** This process's cgroup in it, from /proc/self/cgroup ("/" or "/a/b"). */
  readonly ownPath: string;
}

export interface HostCgroups {
  readonly mode: CgroupMode;
  /** Usually /sys/fs/cgroup. */
  readonly root: string;
  /** Controller hierarchies and name=systemd; empty when unified. */
  readonly v1: readonly V1Hierarchy[];
  readonly unified?: { readonly mountPoint: string; readonly ownPath: string };
  /** Symlinks in the cgroup root ("cpu" -> "cpu,cpuacct"), recreated inside. */
  readonly symlinks: readonly { readonly name: string; readonly target: string }[];
}

/** The container's layout, from the host's and whether the tree has systemd (nspawn's rule). */
export function containerCgroupMode(host: HostCgroups, treeHasSystemd: boolean, forceUnified = false): CgroupMode {
  if (host.mode === 'unified' || (forceUnified && host.unified)) return 'unified';
  if (host.mode === 'hybrid' && treeHasSystemd) return 'hybrid';
  return 'legacy';
}

export type WritableHierarchy = 'systemd' | 'unified';

/** The host directories a container named `leaf` owns, by hierarchy; created by cgroups/. */
export function containerCgroupDirs(host: HostCgroups, mode: CgroupMode, leaf: string): { readonly hierarchy: WritableHierarchy; readonly path: string }[] {
  const join = (mount: string, own: string): string => `${mount}${own === '/' ? '' : own}/${leaf}`;
  const out: { hierarchy: WritableHierarchy; path: string }[] = [];
  const systemd = host.v1.find((h) => h.name === 'systemd');
  if (mode !== 'unified' && systemd) out.push({ hierarchy: 'systemd', path: join(systemd.mountPoint, systemd.ownPath) });
  if (mode !== 'legacy' && host.unified) out.push({ hierarchy: 'unified', path: join(host.unified.mountPoint, host.unified.ownPath) });
  return out;
}

const API = { nosuid: true, nodev: true, noexec: true } as const;

/** Ops that build /sys/fs/cgroup inside (after /sys is mounted). `dirs` from containerCgroupDirs. */
export function cgroupOps(host: HostCgroups, mode: CgroupMode, dirs: readonly { readonly hierarchy: WritableHierarchy; readonly path: string }[]): Op[] {
  const target = '/sys/fs/cgroup';
  if (mode === 'unified') return [{ kind: 'cgroup2', target: rootPath(target), flags: API }];
  const ops: Op[] = [
    { kind: 'tmpfs', target: rootPath(target), mode: 0o755, sizeBytes: 4 * 1024 * 1024, nrInodes: 1024, flags: API, create: 'no' },
  ];
  const own = (hierarchy: WritableHierarchy): string | undefined => dirs.find((d) => d.hierarchy === hierarchy)?.path;
  for (const h of host.v1) {
    const inside = rootPath(`${target}/${h.name}`);
    if (h.name === 'systemd') {
      const dir = own('systemd');
      if (dir !== undefined) ops.push({ kind: 'bind', source: hostPath(dir), target: inside, recursive: false, flags: API, optional: false, create: 'dir' });
      continue;
    }
    // Controllers stay read-only, as nspawn mounts them: the payload is where the host put it.
    const source = `${h.mountPoint}${h.ownPath === '/' ? '' : h.ownPath}`;
    ops.push({ kind: 'bind', source: hostPath(source), target: inside, recursive: false, flags: { ...API, readOnly: true }, optional: false, create: 'dir' });
  }
  if (mode === 'hybrid' && own('unified') !== undefined) {
    ops.push({ kind: 'mkdir', path: rootPath(`${target}/unified`), mode: 0o755, parents: false });
    ops.push({ kind: 'cgroup2', target: rootPath(`${target}/unified`), flags: API });
  }
  for (const link of host.symlinks) ops.push({ kind: 'symlink', path: rootPath(`${target}/${link.name}`), linkTarget: link.target });
  ops.push({ kind: 'remount', target: rootPath(target), recursive: false, flags: { ...API, readOnly: true }, optional: false });
  return ops;
}
