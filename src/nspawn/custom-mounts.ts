// nspawn's custom mounts (--bind, --bind-ro, --tmpfs, --overlay, --overlay-ro, --inaccessible and
// their .nspawn keys) as ops, in nspawn's order: sorted by mount point, parents first, and for one
// mount point bind, tmpfs, overlay, inaccessible (nspawn's CustomMountType order). Those below
// /proc come after /proc is mounted (nspawn mounts them in its inner child, after /proc); the rest
// before it, so the scratch tmpfs the overlays need can sit on /proc until /proc covers it.
import type { CleanupStep, Op, SupervisorSettings } from '../plan/types.js';
import { hostPath, rootPath } from '../plan/types.js';
import type { BindSpec, TmpfsSpec } from './options.js';
import { overlayPlan, SCRATCH, type OverlaySpec } from './overlay.js';

export interface CustomMounts {
  readonly binds: readonly BindSpec[];
  readonly tmpfs: readonly TmpfsSpec[];
  readonly overlays: readonly OverlaySpec[];
  /** Paths over-mounted with an empty node of their own type (nspawn's --inaccessible). */
  readonly inaccessible: readonly string[];
}

export interface CustomMountPlan {
  /** Before /proc: the scratch tmpfs (if an overlay needs it), then every mount outside /proc. */
  readonly beforeProc: readonly Op[];
  /** Mounts at or below /proc, after it. */
  readonly afterProc: readonly Op[];
  readonly cleanup: readonly CleanupStep[];
  /** Directories the helper makes on the host before the namespaces (host overlay layers). */
  readonly hostDirs: NonNullable<SupervisorSettings['hostDirs']>;
}

const depth = (path: string): number => path.split('/').filter(Boolean).length;
const underProc = (path: string): boolean => path === '/proc' || path.startsWith('/proc/');

function bindOp(b: BindSpec): Op {
  return {
    kind: 'bind',
    source: b.sourceInTree ? rootPath(b.source) : hostPath(b.source),
    target: rootPath(b.target),
    recursive: b.recursive,
    flags: b.readOnly ? { readOnly: true } : {},
    optional: false,
    create: 'like-source',
  };
}

function tmpfsOp(t: TmpfsSpec): Op {
  return {
    kind: 'tmpfs',
    target: rootPath(t.target),
    mode: t.options.mode,
    ...(t.options.sizeBytes !== undefined ? { sizeBytes: t.options.sizeBytes } : {}),
    ...(t.options.nrInodes !== undefined ? { nrInodes: t.options.nrInodes } : {}),
    flags: { readOnly: t.options.readOnly, nosuid: t.options.nosuid, nodev: t.options.nodev, noexec: t.options.noexec },
    create: 'dir',
  };
}

/**
 * `treeDirectory` names the host side of `+` overlay layers, for the cleanup of their work
 * directories; `token` (random per start) names the work directories.
 */
export function planCustomMounts(m: CustomMounts, treeDirectory: string, token: string): CustomMountPlan {
  const overlays = m.overlays.map((spec, i) => overlayPlan(spec, i, treeDirectory, token));
  const entries: { readonly target: string; readonly ops: readonly Op[] }[] = [
    ...m.binds.map((b) => ({ target: b.target, ops: [bindOp(b)] })),
    ...m.tmpfs.map((t) => ({ target: t.target, ops: [tmpfsOp(t)] })),
    ...m.overlays.map((o, i) => ({ target: o.target, ops: overlays[i]!.ops })),
    // The helper's node is read-only, nosuid, nodev, noexec; nspawn's only read-only. Nothing can
    // be written, run or opened as a device through an empty mode-000 node either way.
    ...m.inaccessible.map((path) => ({ target: path, ops: [{ kind: 'inaccessible', target: rootPath(path), optional: false } as const] })),
  ];
  const sorted = entries.map((e, i) => ({ ...e, i })).sort((a, b) => depth(a.target) - depth(b.target) || a.i - b.i);
  const scratch: Op[] = overlays.some((o) => o.usesScratch)
    ? [{ kind: 'tmpfs', target: rootPath(SCRATCH), mode: 0o700, flags: {}, create: 'dir' }]
    : [];
  return {
    beforeProc: [...scratch, ...sorted.filter((e) => !underProc(e.target)).flatMap((e) => e.ops)],
    afterProc: sorted.filter((e) => underProc(e.target)).flatMap((e) => e.ops),
    cleanup: overlays.flatMap((o) => o.cleanup),
    hostDirs: overlays.flatMap((o) => o.hostDirs),
  };
}
