// --overlay= and --overlay-ro= (Overlay=, OverlayReadOnly=): nspawn 252's syntax, and the ops that
// mount one. Checked against systemd-nspawn 252 on a busybox tree:
// - LOWER...:UPPER:TARGET, colon-separated (`\:` for a colon); with two paths, LOWER:UPPER mounts
//   at UPPER's own path inside. `+` takes a source path inside the tree. An empty UPPER (three or
//   more paths) is a throwaway layer; the TARGET is always a path in the container.
// - Writes go to UPPER; its work directory (overlayfs needs one on the same mount) is made next
//   to it as `.#NAME…` and removed when the container ends. --overlay-ro stacks UPPER on top of
//   the lowers and mounts the whole read-only, with no work directory.
// nsbox differs in one place: nspawn keeps a throwaway layer in a directory under the host's
// /var/tmp; nsbox keeps it in a tmpfs hidden under the container's /proc (see SCRATCH), so
// nothing of it is ever on the host. A host UPPER and its work directory are made by the helper
// on the host before the namespaces exist; the work directory (`.#NAME` and a random suffix, as
// nspawn names it) is removed whole after exit, whiteouts included.
import type { AnyPath, CleanupStep, Op, SupervisorSettings } from '../plan/types.js';

type HostDir = NonNullable<SupervisorSettings['hostDirs']>[number];
import { hostPath, rootPath } from '../plan/types.js';
import { splitColons } from './colon-list.js';
import { NspawnUnsupportedError, NspawnUsageError } from './errors.js';

/** A layer's directory: on the host, or inside the tree (nspawn's `+` prefix). */
export interface OverlayLayer {
  readonly path: string;
  readonly inTree: boolean;
}

export interface OverlaySpec {
  /** Lowest first, in the order given. */
  readonly lower: readonly OverlayLayer[];
  /** Absent: a throwaway layer that is gone when the container ends. */
  readonly upper?: OverlayLayer;
  readonly target: string;
  readonly readOnly: boolean;
}

/**
 * Where throwaway layers and the binds that reach a host UPPER's parent live: a tmpfs on the
 * tree's /proc directory, made before the overlays and covered by /proc itself right after them.
 * nspawn mounts /proc after the custom mounts too, so the order is nspawn's.
 */
export const SCRATCH = '/proc';

function layer(option: string, value: string, text: string): OverlayLayer {
  const inTree = text.startsWith('+');
  const path = inTree ? text.slice(1) : text;
  // nspawn makes a relative host path absolute against its own working directory, which nsbox's
  // options (pure) cannot know; --bind refuses one the same way.
  if (!path.startsWith('/')) throw new NspawnUsageError(option, `"${text}" is not an absolute path (in "${value}")`);
  return { path, inTree };
}

export function parseOverlaySpec(option: string, value: string, readOnly: boolean): OverlaySpec {
  return overlayFromParts(option, value, splitColons(value), readOnly);
}

/** The same, from the value already split at its colons (`value` is for messages). */
export function overlayFromParts(option: string, value: string, parts: readonly string[], readOnly: boolean): OverlaySpec {
  if (parts.length < 2) throw new NspawnUsageError(option, `needs at least two colon-separated directories, got "${value}"`);
  if (parts.length === 2) {
    const [lower = '', upper = ''] = parts;
    const upperLayer = layer(option, value, upper);
    return { lower: [layer(option, value, lower)], upper: upperLayer, target: upperLayer.path, readOnly };
  }
  const target = parts.at(-1)!;
  const upper = parts.at(-2)!;
  if (!target.startsWith('/')) throw new NspawnUsageError(option, `the mount point "${target}" is not an absolute path`);
  return {
    lower: parts.slice(0, -2).map((p) => layer(option, value, p)),
    ...(upper === '' ? {} : { upper: layer(option, value, upper) }),
    target,
    readOnly,
  };
}

const layerPath = (l: OverlayLayer): AnyPath => (l.inTree ? rootPath(l.path) : hostPath(l.path));

function split(path: string): { readonly parent: string; readonly name: string } {
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return { parent: trimmed.slice(0, slash) || '/', name: trimmed.slice(slash + 1) };
}

const join = (dir: string, name: string): string => `${dir === '/' ? '' : dir}/${name}`;

export interface OverlayPlan {
  /** Ops that make the layers and work directory, then the mount; in this order. */
  readonly ops: readonly Op[];
  /** Directories the helper makes on the host first (a host UPPER and its work directory). */
  readonly hostDirs: readonly HostDir[];
  readonly cleanup: readonly CleanupStep[];
  /** The ops use the SCRATCH tmpfs, which must be mounted before them. */
  readonly usesScratch: boolean;
}

/**
 * Plans overlay number `index` of the container (it names its scratch directories); `token` is
 * random per start and names the work directory.
 */
export function overlayPlan(spec: OverlaySpec, index: number, treeDirectory: string, token: string): OverlayPlan {
  const option = spec.readOnly ? '--overlay-ro' : '--overlay';
  if (spec.target === SCRATCH || spec.target.startsWith(`${SCRATCH}/`)) {
    // nspawn mounts these after /proc; by then the scratch tmpfs is out of reach.
    throw new NspawnUnsupportedError(`${option} onto ${spec.target}`);
  }
  const lowersTopFirst = [...spec.lower].reverse().map(layerPath);
  const mount = (lower: readonly AnyPath[], more: { readonly upper?: AnyPath; readonly work?: AnyPath } = {}): Op => ({
    kind: 'overlay', target: rootPath(spec.target), lower, ...more, flags: spec.readOnly ? { readOnly: true } : {},
  });
  const scratch = (name: string): string => `${SCRATCH}/${name}${index}`;
  const mkdir = (path: string, mode: number): Op => ({ kind: 'mkdir', path: rootPath(path), mode, parents: true });

  if (spec.readOnly) {
    // Overlayfs wants two layers at least without an upper one: nspawn's empty top layer.
    if (spec.upper === undefined) {
      const empty = scratch('empty');
      return { ops: [mkdir(empty, 0o755), mount([rootPath(empty), ...lowersTopFirst])], hostDirs: [], cleanup: [], usesScratch: true };
    }
    return { ops: [mount([layerPath(spec.upper), ...lowersTopFirst])], hostDirs: [], cleanup: [], usesScratch: false };
  }
  if (spec.upper === undefined) {
    const upper = scratch('upper');
    const work = scratch('work');
    return {
      ops: [mkdir(upper, 0o755), mkdir(work, 0o700), mount(lowersTopFirst, { upper: rootPath(upper), work: rootPath(work) })],
      hostDirs: [],
      cleanup: [],
      usesScratch: true,
    };
  }
  const { parent, name } = split(spec.upper.path);
  if (name === '') throw new NspawnUsageError(option, 'the upper directory cannot be /');
  const work = join(parent, `.#${name}${token}`);
  if (spec.upper.inTree) {
    return {
      ops: [mkdir(spec.upper.path, 0o755), mkdir(work, 0o700), mount(lowersTopFirst, { upper: rootPath(spec.upper.path), work: rootPath(work) })],
      hostDirs: [],
      // The kernel leaves work/ and whiteouts in it. Removed without following any symlink, so a
      // tree whose path leads elsewhere keeps its leftovers rather than costing the host a file.
      cleanup: [{ kind: 'remove-tree', path: `${treeDirectory.replace(/\/+$/, '')}${work}` }],
      usesScratch: false,
    };
  }
  return {
    ops: [mount(lowersTopFirst, { upper: hostPath(spec.upper.path), work: hostPath(work) })],
    hostDirs: [{ path: spec.upper.path, mode: 0o755 }, { path: work, mode: 0o700 }],
    cleanup: [{ kind: 'remove-tree', path: work }],
    usesScratch: false,
  };
}
