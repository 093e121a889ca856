// `nsbox detect-virt` side by side with systemd-detect-virt 252: on this host, inside an nsbox
// container, and in a chroot. Both tools run from the host's /usr, bound into a small tree.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { NSBOX_BIN, nsbox } from './nspawn-cli.js';

const top = dirname(dirname(NSBOX_BIN));
const hasReference = spawnSync('systemd-detect-virt', ['--list']).status === 0;
const skip = needsRoot || (!hasReference && 'systemd-detect-virt is not installed');

/** Each tool's answer (stdout|exit code) to the same options, one line each: `ref OPTION|…`, `nsbox OPTION|…`. */
const SCRIPT = (nsboxCmd: string): string =>
  ['', '-c', '-r', '--private-users']
    .map((a) => `o=$(systemd-detect-virt ${a} 2>/dev/null); echo "ref ${a}|$o|$?"; o=$(${nsboxCmd} ${a} 2>/dev/null); echo "nsbox ${a}|$o|$?"`)
    .join('\n');

function answers(output: string): Map<string, { reference: string; nsbox: string }> {
  const out = new Map<string, { reference: string; nsbox: string }>();
  for (const line of output.trim().split('\n')) {
    const bar = line.indexOf('|');
    const [who, ...option] = line.slice(0, bar).split(' ');
    const key = option.join(' ');
    const entry = out.get(key) ?? { reference: '', nsbox: '' };
    if (who === 'ref') entry.reference = line.slice(bar + 1);
    else entry.nsbox = line.slice(bar + 1);
    out.set(key, entry);
  }
  return out;
}

describe('nsbox detect-virt against systemd-detect-virt', { skip }, () => {
  let tree: string;
  let snapshot: Snapshot;
  before(() => {
    tree = mkdtempSync('/tmp/nsbox-virt-');
    for (const d of ['usr', 'etc', 'tmp', 'proc', 'dev', 'run', 'sys']) mkdirSync(join(tree, d));
    for (const d of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${d}`, join(tree, d));
    writeFileSync(join(tree, 'etc/os-release'), 'ID=virt-test\n');
    mkdirSync(join(tree, top), { recursive: true });
    snapshot = takeSnapshot({ paths: [tree], cgroupPrefix: `nsbox-${basename(tree)}`, mountsUnder: [tree] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    rmSync(tree, { recursive: true, force: true });
  });

  test('on this host: the same answers', () => {
    const r = spawnSync('sh', ['-c', SCRIPT(`${process.execPath} ${NSBOX_BIN} detect-virt`)], { encoding: 'utf8' });
    const all = answers(r.stdout);
    assert.equal(all.size, 4, r.stdout);
    for (const [option, a] of all) assert.equal(a.nsbox, a.reference, `detect-virt ${option}`);
  });

  test('inside an nsbox container: nsbox, where systemd-detect-virt says container-other; the rest the same', async () => {
    const r = await nsbox(['nspawn', '-q', '-P', '--register=no', '-D', tree, '--bind-ro=/usr', `--bind-ro=${top}`, '/bin/sh', '-c', SCRIPT(`node ${NSBOX_BIN} detect-virt`)]);
    assert.equal(r.code, 0, r.stderr);
    const a = answers(r.stdout);
    assert.deepEqual(a.get(''), { reference: 'container-other|0', nsbox: 'nsbox|0' });
    assert.deepEqual(a.get('-c'), { reference: 'container-other|0', nsbox: 'nsbox|0' });
    for (const option of ['-r', '--private-users']) assert.equal(a.get(option)?.nsbox, a.get(option)?.reference, option);
  });

  test('in a chroot: the same answer to --chroot, and the same error where /proc/1/root cannot be read', () => {
    const script = [
      `mount --rbind /usr ${tree}/usr`, `mount --rbind /proc ${tree}/proc`, `mount --bind ${top} ${tree}${top}`,
      `exec chroot ${tree} /usr/bin/env -u NODE_EXTRA_CA_CERTS /bin/sh -c 'systemd-detect-virt -r 2>&1; echo "exit $?"; node ${NSBOX_BIN} detect-virt -r 2>&1; echo "exit $?"'`,
    ].join('\n');
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8' });
    const [reference, ours] = r.stdout.split(/(?<=exit \d+\n)/);
    assert.ok(reference !== undefined && /exit \d+\n$/.test(reference), r.stdout + r.stderr);
    assert.equal(ours, reference);
    // Where PID 1's root can be read (not in every container this suite runs in), it is a chroot.
    if (!/Permission denied/.test(reference)) assert.equal(reference, 'exit 0\n');
  });
});
