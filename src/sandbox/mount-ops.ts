// Normalized mount list -> plan ops, in systemd's rounds: first every mount (parents first, so
// children land on top), then the read-only flips, then noexec, then nosuid. Flags are flipped
// only after all mounts exist so that a read-only parent can still receive mount points below.
import { hostPath, rootPath, type MountFlags, type Op } from '../plan/types.js';
import { assertNever } from '../assert-never.js';
import { entryIsReadOnly, type MountEntry } from './mount-entry.js';
import { PRIVATE_DEV_BINDS, PRIVATE_DEV_NODES, PRIVATE_DEV_SYMLINKS } from './presets.js';
import { pathInsideRoot, pathIsUnder } from './paths.js';
import type { ProcSubset, ProtectProc } from './exec-settings.js';

export interface MountOpsContext {
  /** The root directory on the host; '/' without RootDirectory=. */
  readonly root: string;
  readonly protectProc: ProtectProc;
  readonly procSubset: ProcSubset;
  /** NoNewPrivileges=yes: every listed mount also gets nosuid (systemd's fourth round). */
  readonly mountNosuid: boolean;
}

const HIDEPID: Readonly<Record<ProtectProc, 'off' | 'noaccess' | 'invisible' | 'ptraceable'>> = {
  default: 'off', noaccess: 'noaccess', invisible: 'invisible', ptraceable: 'ptraceable',
};

/** The ops that build PrivateDevices='s /dev: a tmpfs with copies of the harmless nodes. */
export function privateDevOps(): Op[] {
  const at = (name: string) => rootPath(`/dev/${name}`);
  return [
    { kind: 'tmpfs', target: rootPath('/dev'), mode: 0o755, flags: { nosuid: true, noexec: true }, create: 'dir' },
    ...PRIVATE_DEV_BINDS.map((b): Op => ({
      kind: 'bind', source: hostPath(`/dev/${b.name}`), target: at(b.name), recursive: false,
      flags: {}, optional: b.optional, create: 'dir',
    })),
    ...PRIVATE_DEV_NODES.map((n): Op => ({ kind: 'mknod', path: at(n.name), type: 'char', major: n.major, minor: n.minor, mode: 0o666 })),
    ...PRIVATE_DEV_SYMLINKS.map((l): Op => ({ kind: 'symlink', path: at(l.name), linkTarget: l.target })),
  ];
}

/** Round one: the mount that establishes one entry. */
export function mountOpsFor(e: MountEntry, ctx: MountOpsContext): Op[] {
  const target = rootPath(pathInsideRoot(e.path, ctx.root));
  switch (e.mode) {
    case 'inaccessible':
      return [{ kind: 'inaccessible', target, optional: e.ignoreMissing }];
    case 'bind':
    case 'bind-recursive':
      return [{
        kind: 'bind', source: hostPath(e.source ?? e.path), target, recursive: e.mode === 'bind-recursive',
        flags: {}, optional: e.ignoreMissing, create: 'like-source',
      }];
    case 'private-tmp':
      return [{ kind: 'bind', source: hostPath(e.source ?? e.path), target, recursive: false, flags: {}, optional: false, create: 'dir' }];
    case 'private-dev':
      return privateDevOps();
    case 'bind-dev':
      return [{ kind: 'bind', source: hostPath('/dev'), target, recursive: true, flags: {}, optional: false, create: 'dir' }];
    case 'sysfs':
      // The host's /sys with its submounts (/sys/fs/cgroup ...), as systemd binds it.
      return [{ kind: 'bind', source: hostPath('/sys'), target, recursive: true, flags: {}, optional: false, create: 'dir' }];
    case 'procfs': {
      const hidepid = HIDEPID[ctx.protectProc];
      return [{
        kind: 'proc', target, flags: { nosuid: true, noexec: true, nodev: true },
        ...(hidepid !== 'off' ? { hidepid } : {}), ...(ctx.procSubset === 'pid' ? { subset: 'pid' as const } : {}),
      }];
    }
    case 'tmpfs':
    case 'run': {
      const t = e.tmpfs ?? { mode: 0o755, nosuid: false, nodev: true, noexec: false };
      return [{
        kind: 'tmpfs', target, mode: t.mode, flags: { nosuid: t.nosuid, nodev: t.nodev, noexec: t.noexec }, create: 'dir',
        ...(t.sizeBytes !== undefined ? { sizeBytes: t.sizeBytes } : {}), ...(t.nrInodes !== undefined ? { nrInodes: t.nrInodes } : {}),
      }];
    }
    case 'read-only':
    case 'read-write':
    case 'read-write-implicit':
    case 'exec':
    case 'noexec':
      // A mount point of its own, so flipping flags here leaves the parent alone (and back).
      return [{ kind: 'bind', source: target, target, recursive: true, flags: {}, optional: e.ignoreMissing, create: 'no' }];
    default:
      return assertNever(e.mode);
  }
}

const remount = (e: MountEntry, ctx: MountOpsContext, recursive: boolean, flags: MountFlags): Op => ({
  kind: 'remount', target: rootPath(pathInsideRoot(e.path, ctx.root)), recursive, flags, optional: e.ignoreMissing,
});

/** Empty tmpfs trees have no submounts of their own to cover: their flips are not recursive. */
const flipsRecursively = (e: MountEntry): boolean => e.mode !== 'tmpfs' && e.mode !== 'run';

/** The nearest listed parent of entry `i` (the list is sorted parents-first). */
function nearestParent(list: readonly MountEntry[], i: number): MountEntry | undefined {
  const e = list[i] as MountEntry;
  for (let j = i - 1; j >= 0; j--) {
    const p = list[j] as MountEntry;
    if (p.path !== e.path && pathIsUnder(e.path, p.path)) return p;
  }
  return undefined;
}

/**
 * Round two. systemd flips a parent read-only recursively while skipping listed submounts (a deny
 * list). The remount op has no deny list, so a writable entry below a read-only one is flipped
 * back explicitly; flips run parents-first, so the child's flip wins.
 * NEEDS(plan): remount `exclude: RootPath[]` (skip these submounts), to match systemd exactly: the
 * explicit flip back also clears read-only on mounts the host itself had read-only.
 */
export function readOnlyOps(list: readonly MountEntry[], ctx: MountOpsContext): Op[] {
  const ops: Op[] = [];
  const effectiveRo = new Map<string, boolean>();
  list.forEach((e, i) => {
    const parent = nearestParent(list, i);
    const parentRo = parent ? effectiveRo.get(parent.path) ?? false : false;
    // /dev of PrivateDevices= is read-only itself but not /dev/shm, /dev/pts below it.
    const own = entryIsReadOnly(e) || e.mode === 'private-dev';
    const ownRecursive = own && flipsRecursively(e) && e.mode !== 'private-dev' && e.mode !== 'inaccessible';
    // The parent's recursive flip reached this subtree; systemd's deny list would have spared it.
    if (parentRo && !ownRecursive) ops.push(remount(e, ctx, true, { readOnly: false }));
    if (own) ops.push(remount(e, ctx, ownRecursive, { readOnly: true }));
    effectiveRo.set(e.path, own);
  });
  return ops;
}

/** Round three: NoExecPaths= recursively noexec, ExecPaths= below them flipped back. */
export function noexecOps(list: readonly MountEntry[], ctx: MountOpsContext): Op[] {
  return list.flatMap((e): Op[] => {
    if (e.mode === 'noexec') return [remount(e, ctx, true, { noexec: true })];
    if (e.mode === 'exec' && list.some((p) => p.mode === 'noexec' && p.path !== e.path && pathIsUnder(e.path, p.path))) {
      return [remount(e, ctx, true, { noexec: false })];
    }
    return [];
  });
}

/** Round four (NoNewPrivileges=yes): nosuid on every listed mount. */
export const nosuidOps = (list: readonly MountEntry[], ctx: MountOpsContext): Op[] =>
  ctx.mountNosuid ? list.filter((e) => e.mode !== 'inaccessible').map((e) => remount(e, ctx, flipsRecursively(e), { nosuid: true })) : [];

/** Every op for a normalized mount list, in rounds. */
export const mountListOps = (list: readonly MountEntry[], ctx: MountOpsContext): Op[] => [
  ...list.flatMap((e) => mountOpsFor(e, ctx)),
  ...readOnlyOps(list, ctx),
  ...noexecOps(list, ctx),
  ...nosuidOps(list, ctx),
];

