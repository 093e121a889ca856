// `nsbox nspawn` with a .nspawn file next to the tree, seen from inside the container: the file
// applies, the command line wins over it, --settings=no ignores it, and an untrusted file loses
// its privileged settings. The tree and its file live in a directory of their own under /tmp;
// the admin directories (/etc/systemd/nspawn, /run/systemd/nspawn) are never written.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { NSPAWN_DEFAULT_CAPABILITIES } from '../../src/nspawn/capabilities.js';
import { capabilitiesFromStatus, capabilityNumber } from '../../src/plan/capabilities.js';
import { inBox } from './nspawn-cli.js';

const PROBE = 'echo "probe=$SETTINGS_PROBE"; hostname; pwd; grep CapBnd /proc/self/status';

describe('nsbox nspawn reads NAME.nspawn next to the tree', { skip: needsRoot }, () => {
  let dir: string;
  let tree: BusyboxTree;
  let file: string;
  let snapshot: Snapshot;
  /** A capability outside nspawn's default set that the host can still grant. */
  let extra: number;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nsbox-settings-'));
    // The tree's parent is ours alone, so BOX.nspawn beside it is too.
    tree = makeBusyboxTree(`${basename(dir)}/box-`);
    file = join(dir, `${basename(tree.root)}.nspawn`);
    const host = capabilitiesFromStatus(readFileSync('/proc/self/status', 'utf8'), 'CapBnd');
    extra = ['SYS_MODULE', 'SYSLOG', 'SYS_RAWIO', 'SYS_TIME'].map((n) => capabilityNumber(n)!).find((c) => host.includes(c) && !NSPAWN_DEFAULT_CAPABILITIES.includes(c))!;
    writeFileSync(file, `# written by the nsbox test suite
[Exec]
Environment=SETTINGS_PROBE=from-file
Hostname=from-file
WorkingDirectory=/tmp
Capability=${extra}
Frobnicate=yes
`);
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [dir] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    rmSync(dir, { recursive: true, force: true });
  });

  const parse = (stdout: string): { probe: string; hostname: string; cwd: string; caps: number[] } => {
    const [probe = '', hostname = '', cwd = '', capBnd = ''] = stdout.trim().split('\n');
    return { probe, hostname, cwd, caps: capabilitiesFromStatus(capBnd, 'CapBnd') };
  };

  test('its settings apply inside; privileged ones are dropped with warnings, even under -q', async () => {
    const r = await inBox(tree.root, PROBE);
    assert.equal(r.code, 0, r.stderr);
    const seen = parse(r.stdout);
    assert.equal(seen.probe, 'probe=from-file');
    assert.equal(seen.hostname, 'from-file');
    assert.equal(seen.cwd, '/tmp');
    assert.ok(!seen.caps.includes(extra), 'Capability= from an untrusted file is ignored');
    assert.equal(r.stderr, `${file}:7: Unknown key 'Frobnicate' in section [Exec], ignoring.\nIgnoring Capability= setting, file ${file} is not trusted.\n`);
  });

  test('--settings=trusted applies the privileged settings too', async () => {
    const r = await inBox(tree.root, PROBE, ['--settings=trusted']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(parse(r.stdout).caps.includes(extra));
    assert.doesNotMatch(r.stderr, /not trusted/);
  });

  test('the command line wins: -E and --hostname replace the file\'s Environment= and Hostname=', async () => {
    const r = await inBox(tree.root, `${PROBE}; echo "other=$OTHER"`, ['-E', 'OTHER=from-cli', '--hostname=from-cli']);
    assert.equal(r.code, 0, r.stderr);
    const seen = parse(r.stdout);
    assert.equal(seen.probe, 'probe=', 'one -E drops every Environment= of the file');
    assert.equal(seen.hostname, 'from-cli');
    assert.equal(seen.cwd, '/tmp', 'what the command line left alone still comes from the file');
    assert.match(r.stdout, /^other=from-cli$/m);
  });

  test('--settings=no ignores the file', async () => {
    const r = await inBox(tree.root, PROBE, ['--settings=no']);
    assert.equal(r.code, 0, r.stderr);
    const seen = parse(r.stdout);
    assert.equal(seen.probe, 'probe=');
    assert.equal(seen.hostname, basename(tree.root));
    assert.equal(seen.cwd, '/');
    assert.equal(r.stderr, '');
  });

  test('a key nsbox does not support stops the start with FILE:LINE, exit 1', async () => {
    const good = readFileSync(file, 'utf8');
    try {
      // Not a privileged key: nspawn would apply it even from an untrusted file.
      writeFileSync(file, `${good}[Exec]\nPivotRoot=/sysroot\n`);
      const r = await inBox(tree.root, 'echo started');
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, new RegExp(`^nsbox nspawn: ${file.replaceAll('.', '\\.')}:9: PivotRoot=\\/sysroot is not supported yet \\(--pivot-root\\)$`, 'm'));
    } finally {
      writeFileSync(file, good);
    }
  });
});
