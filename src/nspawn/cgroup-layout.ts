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

/**
 * Hierarchies the container gets a directory of its own in: name=systemd and cgroup2 (writable
 * inside), and the v1 devices controller, whose directory holds the device policy.
 */
export type OwnHierarchy = 'systemd' | 'unified' | 'devices';
export interface OwnCgroupDir {
  readonly hierarchy: OwnHierarchy;
  readonly path: string;
}

/**
 * The child of the v1 devices directory that the container joins: the policy sits on its parent,
 * beyond what the container can widen (src/cgroups/device-policy.ts says why).
 */
export const DEVICES_PAYLOAD = 'payload';

const isDevices = (h: V1Hierarchy): boolean => h.name.split(',').includes('devices');

/** The host directories a container named `leaf` owns, by hierarchy; created by cgroups/. */
export function containerCgroupDirs(host: HostCgroups, mode: CgroupMode, leaf: string): OwnCgroupDir[] {
  const join = (mount: string, own: string): string => `${mount}${own === '/' ? '' : own}/${leaf}`;
  const out: OwnCgroupDir[] = [];
  const systemd = host.v1.find((h) => h.name === 'systemd');
  const devices = host.v1.find(isDevices);
  if (mode !== 'unified' && systemd) out.push({ hierarchy: 'systemd', path: join(systemd.mountPoint, systemd.ownPath) });
  if (mode !== 'legacy' && host.unified) out.push({ hierarchy: 'unified', path: join(host.unified.mountPoint, host.unified.ownPath) });
  // A cgroup2-only view keeps the container out of the v1 hierarchies; its program does the job.
  if (mode !== 'unified' && devices) out.push({ hierarchy: 'devices', path: join(devices.mountPoint, devices.ownPath) });
  return out;
}

/** Where the container's processes go: its own directories, the devices one's payload child. */
export const cgroupJoinPath = (d: OwnCgroupDir): string => (d.hierarchy === 'devices' ? `${d.path}/${DEVICES_PAYLOAD}` : d.path);

/**
 * How the device policy is enforced, as systemd picks: the v1 devices controller where the
 * container is in one, else a device program on its cgroup2 directory (a cgroup2-only host, or
 * SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1), else nothing (a v1 host without a devices controller).
 */
export type DevicePolicyTarget = { readonly kind: 'v1-devices' | 'cgroup2-program'; readonly dir: string } | { readonly kind: 'none' };

export function devicePolicyTarget(dirs: readonly OwnCgroupDir[]): DevicePolicyTarget {
  const devices = dirs.find((d) => d.hierarchy === 'devices');
  if (devices) return { kind: 'v1-devices', dir: devices.path };
  const unified = dirs.find((d) => d.hierarchy === 'unified');
  if (unified) return { kind: 'cgroup2-program', dir: unified.path };
  return { kind: 'none' };
}

const API = { nosuid: true, nodev: true, noexec: true } as const;

/** Ops that build /sys/fs/cgroup inside (after /sys is mounted). `dirs` from containerCgroupDirs. */
export function cgroupOps(host: HostCgroups, mode: CgroupMode, dirs: readonly OwnCgroupDir[]): Op[] {
  const target = '/sys/fs/cgroup';
  if (mode === 'unified') return [{ kind: 'cgroup2', target: rootPath(target), flags: API }];
  const ops: Op[] = [
    { kind: 'tmpfs', target: rootPath(target), mode: 0o755, sizeBytes: 4 * 1024 * 1024, nrInodes: 1024, flags: API, create: 'no' },
  ];
  const own = (hierarchy: OwnHierarchy): OwnCgroupDir | undefined => dirs.find((d) => d.hierarchy === hierarchy);
  for (const h of host.v1) {
    const inside = rootPath(`${target}/${h.name}`);
    if (h.name === 'systemd') {
      const dir = own('systemd');
      if (dir !== undefined) ops.push({ kind: 'bind', source: hostPath(dir.path), target: inside, recursive: false, flags: API, optional: false, create: 'dir' });
      continue;
    }
    // Controllers stay read-only, as nspawn mounts them: the payload is where the host put it,
    // or in its own devices directory, whose list it may read there.
    const devices = isDevices(h) ? own('devices') : undefined;
    const source = devices ? cgroupJoinPath(devices) : `${h.mountPoint}${h.ownPath === '/' ? '' : h.ownPath}`;
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
