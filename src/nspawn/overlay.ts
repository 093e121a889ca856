// --overlay= and --overlay-ro= (Overlay=, OverlayReadOnly=): nspawn 252's syntax, and the ops that
// mount one. Checked against systemd-nspawn 252 on a busybox tree:
// - LOWER...:UPPER:TARGET, colon-separated (`\:` for a colon); with two paths, LOWER:UPPER mounts
//   at UPPER's own path inside. `+` takes a source path inside the tree. An empty UPPER (three or
//   more paths) is a throwaway layer; the TARGET is always a path in the container.
// - Writes go to UPPER; its work directory (overlayfs needs one on the same mount) is made next
//   to it as `.#NAME…` and removed when the container ends. --overlay-ro stacks UPPER on top of
//   the lowers and mounts the whole read-only, with no work directory.
// nsbox differs where the helper's ops reach: nspawn keeps a throwaway layer in a directory under
// the host's /var/tmp; nsbox keeps it in a tmpfs hidden under the container's /proc (see
// SCRATCH), so nothing of it is ever on the host. The work directory of a host UPPER is made
// through a bind of UPPER's parent into that tmpfs, since the helper makes directories only
// inside the tree. nspawn removes the work directory whole; the helper's cleanup can only rmdir,
// so the work directory has a fixed name (WORK_SUFFIX) and is reused next time: after a deletion
// in the overlay, the kernel's leftover whiteout in it keeps it on the host until the next start.
import type { AnyPath, CleanupStep, Op } from '../plan/types.js';
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
/** Appended to `.#UPPERNAME`: the work directory next to UPPER (nspawn: `.#UPPERNAME<random>`). */
export const WORK_SUFFIX = '.nsbox-work';

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
  readonly cleanup: readonly CleanupStep[];
  /** The ops use the SCRATCH tmpfs, which must be mounted before them. */
  readonly usesScratch: boolean;
}

/** Plans overlay number `index` of the container (it names its scratch directories). */
export function overlayPlan(spec: OverlaySpec, index: number, treeDirectory: string): OverlayPlan {
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
      return { ops: [mkdir(empty, 0o755), mount([rootPath(empty), ...lowersTopFirst])], cleanup: [], usesScratch: true };
    }
    return { ops: [mount([layerPath(spec.upper), ...lowersTopFirst])], cleanup: [], usesScratch: false };
  }
  if (spec.upper === undefined) {
    const upper = scratch('upper');
    const work = scratch('work');
    return {
      ops: [mkdir(upper, 0o755), mkdir(work, 0o700), mount(lowersTopFirst, { upper: rootPath(upper), work: rootPath(work) })],
      cleanup: [],
      usesScratch: true,
    };
  }
  const { parent, name } = split(spec.upper.path);
  if (name === '') throw new NspawnUsageError(option, 'the upper directory cannot be /');
  const workName = `.#${name}${WORK_SUFFIX}`;
  const onHost = (dir: string): string => (spec.upper!.inTree ? `${treeDirectory.replace(/\/+$/, '')}${dir}` : dir);
  // The kernel leaves work/ in it; a leftover whiteout keeps both until the next start.
  const cleanup: CleanupStep[] = [
    { kind: 'rmdir', path: onHost(join(join(parent, workName), 'work')) },
    { kind: 'rmdir', path: onHost(join(parent, workName)) },
  ];
  if (spec.upper.inTree) {
    return {
      ops: [mkdir(spec.upper.path, 0o755), mkdir(join(parent, workName), 0o700), mount(lowersTopFirst, { upper: rootPath(spec.upper.path), work: rootPath(join(parent, workName)) })],
      cleanup,
      usesScratch: false,
    };
  }
  const reach = scratch('host');
  return {
    ops: [
      { kind: 'bind', source: hostPath(parent), target: rootPath(reach), recursive: false, flags: {}, optional: false, create: 'dir' },
      mkdir(join(reach, name), 0o755),
      mkdir(join(reach, workName), 0o700),
      mount(lowersTopFirst, { upper: hostPath(spec.upper.path), work: hostPath(join(parent, workName)) }),
    ],
    cleanup,
    usesScratch: true,
  };
}
