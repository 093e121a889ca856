// Detects the host's cgroup layout from /proc/self/mountinfo and /proc/self/cgroup:
// cgroup2 at the root -> unified; a tmpfs root with v1 hierarchies -> legacy, plus a cgroup2 at
// <root>/unified -> hybrid (systemd's names). The parsers are pure; detectCgroups() reads.
import { readFileSync, readdirSync, readlinkSync, lstatSync } from 'node:fs';
import type { HostCgroups, V1Hierarchy } from '../nspawn/cgroup-layout.js';

export interface CgroupMount {
  readonly mountPoint: string;
  readonly fsType: 'cgroup' | 'cgroup2';
  /** Super options: the controllers of a v1 hierarchy ("rw,memory" or "rw,name=systemd"). */
  readonly superOptions: readonly string[];
}

const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const [fsType, , superOpts] = right.split(' ');
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    const mountPoint = unescape(left.split(' ')[4] ?? '');
    out.push({ mountPoint, fsType, superOptions: (superOpts ?? '').split(',') });
  }
  return out;
}

/** /proc/self/cgroup -> controller list ("memory", "name=systemd", "" for cgroup2) -> path. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const controller of m[1]!.split(',')) out.set(controller, m[2]!);
  }
  return out;
}

const V1_NON_CONTROLLERS = new Set(['rw', 'ro', 'relatime', 'noatime', 'nosuid', 'nodev', 'noexec', 'xattr', 'clone_children', 'cpuset_v2_mode', 'noprefix', 'favordynmods']);

export function hostCgroupsFrom(mountinfo: string, procCgroup: string, root = '/sys/fs/cgroup', symlinks: HostCgroups['symlinks'] = []): HostCgroups {
  const mounts = parseCgroupMounts(mountinfo);
  const own = parseProcCgroup(procCgroup);
  const top = mounts.find((m) => m.mountPoint === root && m.fsType === 'cgroup2');
  if (top) return { mode: 'unified', root, v1: [], unified: { mountPoint: root, ownPath: own.get('') ?? '/' }, symlinks: [] };
  const v1: V1Hierarchy[] = [];
  for (const m of mounts) {
    if (m.fsType !== 'cgroup' || !m.mountPoint.startsWith(`${root}/`)) continue;
    const name = m.mountPoint.slice(root.length + 1);
    if (name.includes('/')) continue;
    const controllers = m.superOptions.filter((o) => !V1_NON_CONTROLLERS.has(o) && !o.startsWith('release_agent='));
    const key = controllers.find((c) => own.has(c));
    v1.push({ name, mountPoint: m.mountPoint, ownPath: key === undefined ? '/' : own.get(key)! });
  }
  const unifiedMount = mounts.find((m) => m.fsType === 'cgroup2' && m.mountPoint === `${root}/unified`);
  return {
    mode: unifiedMount ? 'hybrid' : 'legacy',
    root,
    v1,
    ...(unifiedMount ? { unified: { mountPoint: unifiedMount.mountPoint, ownPath: own.get('') ?? '/' } } : {}),
    symlinks,
  };
}

function cgroupSymlinks(root: string): HostCgroups['symlinks'] {
  try {
    return readdirSync(root)
      .filter((name) => lstatSync(`${root}/${name}`).isSymbolicLink())
      .map((name) => ({ name, target: readlinkSync(`${root}/${name}`) }));
  } catch {
    return [];
  }
}

export function detectCgroups(root = '/sys/fs/cgroup'): HostCgroups {
  return hostCgroupsFrom(readFileSync('/proc/self/mountinfo', 'utf8'), readFileSync('/proc/self/cgroup', 'utf8'), root, cgroupSymlinks(root));
}
