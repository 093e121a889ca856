// `nsbox demo`: builds a tiny busybox OS tree in a temp directory, runs a command in it as
// `nsbox nspawn --pipe` would, prints what the container sees, and removes everything again.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../executor/run.js';
import { parseNspawnArgs } from '../nspawn/options.js';
import { prepareContainer } from '../machines/container.js';
import { NsboxError } from '../errors.js';
import { needsRoot } from './need-root.js';
import { isSystemError } from './system-error.js';

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

const SCRIPT = [
  'echo "hostname:      $(hostname)"',
  'echo "my pid:        $$"',
  'echo "os-release:    $(. /etc/os-release; echo $PRETTY_NAME)"',
  'echo "host os:       $(. /run/host/os-release; echo $PRETTY_NAME)"',
  'echo "container=     $container"',
  'echo "capabilities:  $(grep CapEff /proc/self/status | cut -f2)"',
  'echo "mounts:        $(wc -l < /proc/self/mountinfo)"',
  'echo "/tmp is:       $(grep " /tmp " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1)"',
].join('; ');

function buildTree(busybox: string): string {
  const root = mkdtempSync(join(tmpdir(), 'nsbox-demo-'));
  chmodSync(root, 0o755);
  for (const d of ['bin', 'usr/lib', 'etc', 'proc', 'sys', 'dev', 'run', 'tmp', 'root']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(busybox, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const applet of execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n')) {
    if (applet && applet !== 'busybox' && !existsSync(join(root, 'bin', applet))) symlinkSync('busybox', join(root, 'bin', applet));
  }
  writeFileSync(join(root, 'usr/lib/os-release'), 'ID=nsbox-demo\nPRETTY_NAME="nsbox demo (busybox)"\n');
  symlinkSync('../usr/lib/os-release', join(root, 'etc/os-release'));
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
  return root;
}

export async function main(): Promise<number> {
  const busybox = BUSYBOX_CANDIDATES.find((p) => existsSync(p));
  if (busybox === undefined) {
    process.stderr.write('nsbox demo: needs a static busybox (apt-get install busybox-static)\n');
    return 1;
  }
  if (needsRoot()) return 1;
  const root = buildTree(busybox);
  process.stdout.write(`built a busybox tree in ${root}\n$ nsbox nspawn -q --pipe -D ${root} -M nsbox-demo /bin/sh -c '...'\n`);
  const options = parseNspawnArgs(['-q', '--pipe', '--register=no', '-D', root, '-M', 'nsbox-demo', '/bin/sh', '-c', SCRIPT]);
  try {
    const container = prepareContainer(options, { stdinIsTty: false, stdoutIsTty: false, supervisorPid: process.pid });
    try {
      const started = performance.now();
      const r = await run(container.plan);
      process.stdout.write(r.stdout + r.stderr);
      process.stdout.write(`container ran in ${(performance.now() - started).toFixed(1)} ms and exited with ${JSON.stringify(r.status)}\n`);
      return r.status.kind === 'exited' ? r.status.code : 1;
    } finally {
      container.release();
    }
  } catch (err) {
    if (!(err instanceof NsboxError) && !isSystemError(err)) throw err;
    process.stderr.write(`nsbox demo: ${err.message}\n`);
    return 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
    process.stdout.write('removed the tree; nothing is left mounted or running\n');
  }
}
