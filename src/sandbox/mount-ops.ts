// Normalized mount list -> plan ops, in systemd's rounds: first every mount (parents first, so
// children land on top), then the read-only flips, then noexec, then nosuid. Flags are flipped
// only after all mounts exist so that a read-only parent can still receive mount points below.
// Every bind takes its source from the view before any op ran (sourceView 'original'), as systemd
// takes them from the host while it assembles the new root apart (/run/systemd/unit-root).
import { hostPath, rootPath, type MountFlags, type Op } from '../plan/types.js';
import { assertNever } from '../assert-never.js';
import { entryIsReadOnly, type MountEntry } from './mount-entry.js';
import { PRIVATE_DEV_BINDS, PRIVATE_DEV_NODES, PRIVATE_DEV_SYMLINKS } from './presets.js';
import { pathInsideRoot, pathIsUnder } from './paths.js';
import type { ProcSubset, ProtectProc } from '../unit/exec-settings.js';

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
      flags: {}, optional: b.optional, create: 'dir', sourceView: 'original',
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
        flags: {}, optional: e.ignoreMissing, create: 'like-source', sourceView: 'original',
      }];
    case 'private-tmp':
      return [{ kind: 'bind', source: hostPath(e.source ?? e.path), target, recursive: false, flags: {}, optional: false, create: 'dir', sourceView: 'original' }];
    case 'private-dev':
      return privateDevOps();
    case 'bind-dev':
      return [{ kind: 'bind', source: hostPath('/dev'), target, recursive: true, flags: {}, optional: false, create: 'dir', sourceView: 'original' }];
    case 'sysfs':
      // The host's /sys with its submounts (/sys/fs/cgroup ...), as systemd binds it.
      return [{ kind: 'bind', source: hostPath('/sys'), target, recursive: true, flags: {}, optional: false, create: 'dir', sourceView: 'original' }];
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
      // The root is a mount point already (the helper binds RootDirectory=; the host's / is one),
      // and a bind stacked on it would sit above the root the helper holds open, out of reach.
      if (target.path === '/') return [];
      // A mount point of its own, so flipping flags here leaves the parent alone (and back); one
      // that is a mount point already (the host's /sys/fs/cgroup) is flipped in place, as systemd.
      return [{ kind: 'mount-point', target, optional: e.ignoreMissing }];
    default:
      return assertNever(e.mode);
  }
}

const remount = (e: MountEntry, ctx: MountOpsContext, recursive: boolean, flags: MountFlags, exclude: readonly MountEntry[] = []): Op => ({
  kind: 'remount', target: rootPath(pathInsideRoot(e.path, ctx.root)), recursive, flags, optional: e.ignoreMissing,
  ...(exclude.length > 0 ? { exclude: exclude.map((x) => rootPath(pathInsideRoot(x.path, ctx.root))) } : {}),
});

/** Empty tmpfs trees have no submounts of their own to cover: their flips are not recursive. */
const flipsRecursively = (e: MountEntry): boolean => e.mode !== 'tmpfs' && e.mode !== 'run';

/** Listed entries strictly below entry `i` (the list is sorted parents-first). */
const entriesBelow = (list: readonly MountEntry[], i: number): MountEntry[] =>
  list.slice(i + 1).filter((x) => x.path !== (list[i] as MountEntry).path && pathIsUnder(x.path, (list[i] as MountEntry).path));

/** The topmost of `below`: each one not under another of them. */
const topmost = (below: readonly MountEntry[]): MountEntry[] =>
  below.filter((x) => !below.some((y) => y !== x && y.path !== x.path && pathIsUnder(x.path, y.path)));

/** Would a recursive ro flip of a parent change anything at or below this listed entry? */
const staysReadOnlyAnyway = (list: readonly MountEntry[], child: MountEntry): boolean =>
  list.filter((x) => pathIsUnder(x.path, child.path)).every((x) => entryIsReadOnly(x) && x.mode !== 'private-dev');

/**
 * Round two, as systemd's make_read_only(): a read-only entry is flipped recursively, sparing the
 * listed entries below it and their submounts (systemd's deny list), which get their own flags;
 * tmpfs, inaccessible and PrivateDevices='s /dev are flipped alone. The helper caps an exclusion
 * list, so only the topmost entries below are named, and not those that end read-only anyway.
 */
export function readOnlyOps(list: readonly MountEntry[], ctx: MountOpsContext): Op[] {
  const ops: Op[] = [];
  list.forEach((e, i) => {
    // /dev of PrivateDevices= is read-only itself but not /dev/shm, /dev/pts below it.
    if (!entryIsReadOnly(e) && e.mode !== 'private-dev') return;
    // The inaccessible op mounts a node that is read-only, nosuid, nodev and noexec already.
    if (e.mode === 'inaccessible') return;
    const recursive = entryIsReadOnly(e) && flipsRecursively(e);
    const exclude = recursive ? topmost(entriesBelow(list, i)).filter((x) => !staysReadOnlyAnyway(list, x)) : [];
    ops.push(remount(e, ctx, recursive, { readOnly: true }, exclude));
  });
  return ops;
}

/**
 * Round three, as systemd's make_noexec(): NoExecPaths= noexec and ExecPaths= exec, each
 * recursively, sparing the listed entries below and their submounts (so a ReadWritePaths= bind
 * below a NoExecPaths= path keeps exec, as in systemd), except those that set the same again.
 */
export function noexecOps(list: readonly MountEntry[], ctx: MountOpsContext): Op[] {
  return list.flatMap((e, i): Op[] => {
    if (e.mode !== 'noexec' && e.mode !== 'exec') return [];
    const exclude = topmost(entriesBelow(list, i))
      .filter((x) => !list.every((y) => !pathIsUnder(y.path, x.path) || y.mode === e.mode));
    return [remount(e, ctx, true, { noexec: e.mode === 'noexec' }, exclude)];
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

