// systemd-nspawn 252 as the reference: the same script with the same options on the same tree,
// under nsbox and under systemd-nspawn, for the kernel tests that compare the two from inside.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { makeCgroupSlot, joinSlotScript } from '../fixtures/cgroup-slot.js';
import { inBox, type CliResult } from './nspawn-cli.js';

export const haveNspawn = ((): boolean => {
  try {
    execFileSync('systemd-nspawn', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/**
 * systemd-nspawn's --inaccessible binds the nodes systemd as PID 1 makes in /run/systemd/inaccessible;
 * without systemd as PID 1 there are none. They are made in a tmpfs of a mount namespace of the
 * reference run's own, so the host's /run/systemd is never written.
 */
const INACCESSIBLE_NODES = [
  'mount -t tmpfs tmpfs /run/systemd', 'I=/run/systemd/inaccessible', 'mkdir -m 0555 $I', 'mkdir -m 0 $I/dir',
  'install -m 0 /dev/null $I/reg', 'mkfifo -m 0 $I/fifo', 'mknod -m 0 $I/chr c 0 0', 'mknod -m 0 $I/blk b 0 0',
].join(' && ');

let slots = 0;

/** systemd-nspawn from a cgroup of its own (REFERENCES.md), with the same stdio setup as inBox(). */
export function nspawn(root: string, script: string, options: readonly string[], o: { readonly inaccessibleNodes?: boolean } = {}): Promise<CliResult> {
  const slot = makeCgroupSlot(`nsbox-opt-${process.pid}-${slots++}`);
  const wrap = o.inaccessibleNodes ? ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `${INACCESSIBLE_NODES} && exec "$@"`, 'sh'] : [];
  const args = [...wrap, 'systemd-nspawn', '--register=no', '--keep-unit', '-q', '-P', '-D', root, ...options, '/bin/sh', '-c', script];
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', joinSlotScript(slot), 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      slot.remove();
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface SideBySide {
  /** For --inaccessible: give nspawn the nodes it binds (see INACCESSIBLE_NODES). */
  readonly inaccessibleNodes?: boolean;
  /** Puts the tree in the same state before each of the two runs. */
  readonly prepare?: () => void;
  /** What the run left on the host, compared between the two as well. */
  readonly left?: () => string;
}

/** The same script under both; their output (and what they left) must be the same, and both must succeed. */
export async function sideBySide(root: string, script: string, options: readonly string[], o: SideBySide = {}): Promise<string> {
  o.prepare?.();
  const ours = await inBox(root, script, options);
  assert.equal(ours.code, 0, `nsbox: ${ours.stderr}`);
  const oursLeft = o.left?.();
  if (haveNspawn) {
    o.prepare?.();
    const theirs = await nspawn(root, script, options, o);
    assert.equal(theirs.code, 0, `systemd-nspawn: ${theirs.stderr}`);
    assert.equal(ours.stdout, theirs.stdout, 'the same from inside under systemd-nspawn');
    assert.equal(oursLeft, o.left?.(), 'the same left behind as by systemd-nspawn');
  }
  return ours.stdout;
}
