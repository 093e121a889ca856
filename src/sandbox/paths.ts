// Path algebra on absolute, already simplified paths, component-wise as systemd's path_compare()
// and path_startswith() do: "/a/b" sorts after "/a" and before "/ab", and "/ab" is not under "/a".

import { simplifyPath } from '../unit/exec-values.js';

export { simplifyPath };

const components = (path: string): string[] => path.split('/').filter((c) => c !== '');

/** Parents before children; otherwise component by component (bytewise, as strcmp). */
export function pathCompare(a: string, b: string): number {
  const ca = components(a);
  const cb = components(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const x = ca[i] as string;
    const y = cb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return ca.length - cb.length;
}

/** True when `path` is `prefix` or lies below it. */
export function pathIsUnder(path: string, prefix: string): boolean {
  const cp = components(path);
  const cx = components(prefix);
  return cx.length <= cp.length && cx.every((c, i) => cp[i] === c);
}

/** `path` as seen from inside `root` (both host paths; `path` must be under `root`). */
export function pathInsideRoot(path: string, root: string): string {
  return `/${components(path).slice(components(root).length).join('/')}`;
}

/** `path` (inside the root) as a host path below `root`. */
export function pathWithRoot(root: string, path: string): string {
  return simplifyPath(`${root}/${path}`);
}
