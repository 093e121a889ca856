// The plan nsbox runs for the spawn cases: what `unshare -m -p -f -u -i -R TREE --mount-proc`
// does, as a Plan value. (bwrap additionally builds a /dev; see docs/performance.md.)
import { rootPath, type PidMode, type Plan } from '../src/plan/types.js';

export function trueInTreePlan(tree: string, pidMode: PidMode): Plan {
  return {
    namespaces: ['mount', 'uts', 'ipc'],
    pidMode,
    // Private like unshare's default: the payload's mounts never reach the host and the host's
    // never reach it. Set before any op, so no separate propagation op is needed.
    hostPropagation: 'private',
    root: tree,
    ops: [
      { kind: 'proc', target: rootPath('/proc'), flags: { nosuid: true, nodev: true, noexec: true } },
      { kind: 'switch-root' },
    ],
    process: { argv: ['/bin/true'], env: [], cwd: '/', terminal: { kind: 'inherit' } },
  };
}
