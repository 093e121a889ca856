// The least a planNspawn() call needs: a Debian-like tree at /srv/deb, a unified cgroup host.
import type { NspawnFacts } from '../../../src/nspawn/facts.js';
import { ALL_CAPABILITIES } from '../../../src/plan/capabilities.js';

export function minimalFacts(): NspawnFacts {
  return {
    tree: { directory: '/srv/deb', present: new Set(['/', '/usr', '/etc', '/etc/os-release', '/bin/sh']), localtime: { kind: 'missing' } },
    host: { boundingSet: ALL_CAPABILITIES, osRelease: {}, nofileHard: 4096, memTotalBytes: 2 ** 30, stdinIsTty: false, stdoutIsTty: false, env: {} },
    cgroups: { host: { mode: 'unified', root: '/sys/fs/cgroup', v1: [], unified: { mountPoint: '/sys/fs/cgroup', ownPath: '/' }, symlinks: [] }, mode: 'unified', dirs: [] },
    randomUuid: '11111111-2222-3333-4444-555555555555',
  };
}
