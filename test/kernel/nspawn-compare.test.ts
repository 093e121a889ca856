// Side by side: the same busybox tree under systemd-nspawn 252 and `nsbox nspawn`, with the same
// options; what each payload sees must match, except for the differences docs/compatibility.md
// lists (## nspawn options), which are named here one by one.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { inBox } from './nspawn-cli.js';
import { haveNspawn, nspawn } from './nspawn-reference.js';

const SCRIPT = [
  'echo "pid=$$"', 'echo "hostname=$(hostname)"', 'echo "nofile=$(ulimit -n)"',
  'grep -E "^(CapBnd|CapEff|CapPrm|Seccomp|NoNewPrivs):" /proc/self/status',
  'env | cut -d= -f1 | sort | sed "s/^/env /"',
  'ls /dev | sed "s/^/dev /"', 'ls /run/host | sed "s/^/run-host /"',
  'sed "s/^/cgroup /" /proc/self/cgroup',
  // mount point, its per-mount ro/rw and the file system type
  `sed -E 's/^([^ ]+ ){4}([^ ]+) ([^, ]+)[^-]* - ([^ ]+).*/mount \\2 \\3 \\4/' /proc/self/mountinfo`,
].join('; ');

function facts(output: string): Set<string> {
  return new Set(output.split('\n').filter(Boolean).map((line) => line.replace(/size=\d+k/, 'size=*')));
}

/** Facts only systemd-nspawn shows, each for a reason given in docs/compatibility.md. */
const NSPAWN_ONLY = [
  /^run-host incoming$/, // no mount propagation into running containers
  /^mount \/run\/host\/incoming /,
  /^mount \/run\/host\/os-release rw /, // nspawn's duplicate, propagated from its own staging mount
  // nspawn mounts it twice: the visible copy is read-only (as nsbox's), and a writable one stays
  // under the read-only /proc/sys bind, out of reach.
  /^mount \/proc\/sys\/kernel\/random\/boot_id rw tmpfs$/,
  /^mount \/proc\/kmsg rw tmpfs$/, // nspawn's FIFO lives in the container's /run; nsbox's on the host's /run
  /^Seccomp_filters:/,
];
const NSBOX_ONLY: RegExp[] = [
  // nspawn binds its notify socket inside /run/host; nsbox's helper binds it on the host before
  // the namespaces exist (its supervisor reads it there), so the socket file is a bind mount.
  /^mount \/run\/host\/notify /,
  // The same FIFO, from the host's /run (ext4 on this machine; where it is a tmpfs, the lines match).
  /^mount \/proc\/kmsg rw /,
  // nspawn 252's mount table masks these too, but binds /run/systemd/inaccessible/reg from the
  // container, where it does not exist yet: its masks fail silently (api-mounts.ts PROC_HIDDEN_FILES).
  /^mount \/proc\/(kallsyms|kcore|keys|sysrq-trigger|timer_list) ro tmpfs$/,
];

describe('nsbox nspawn vs systemd-nspawn, side by side', { skip: needsRoot || (!haveNspawn && 'systemd-nspawn not installed') }, () => {
  let tree: BusyboxTree;
  before(() => {
    tree = makeBusyboxTree('nsbox-cmp-');
  });
  after(() => tree.remove());

  test('the same facts from inside: PID, hostname, limits, capabilities, environment, /dev, /run/host, cgroups, mounts', async () => {
    const reference = await nspawn(tree.root, SCRIPT, ['-M', 'cmp']);
    assert.equal(reference.code, 0, `systemd-nspawn: ${reference.stderr}`);
    const theirs = facts(reference.stdout);
    const ours = facts((await inBox(tree.root, SCRIPT, ['-M', 'cmp'])).stdout);
    const onlyTheirs = [...theirs].filter((f) => !ours.has(f) && !NSPAWN_ONLY.some((r) => r.test(f)));
    const onlyOurs = [...ours].filter((f) => !theirs.has(f) && !NSBOX_ONLY.some((r) => r.test(f)));
    assert.deepEqual({ onlyTheirs, onlyOurs }, { onlyTheirs: [], onlyOurs: [] });
  });
});
