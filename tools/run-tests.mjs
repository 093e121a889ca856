#!/usr/bin/env node
// `npm test`: installs what is missing, builds, then runs every test file with node's test runner.
// As root it re-executes itself inside a throwaway mount namespace (private propagation), so a
// test that leaks or misplaces a mount cannot touch the machine's own mount table.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const isRoot = process.getuid?.() === 0;

if (isRoot && process.env.NSBOX_TEST_MOUNT_NS !== '1') {
  execFileSync('sh', [join(top, 'tools/bootstrap.sh')], { stdio: 'inherit' });
  execFileSync('make', ['-s', '-C', join(top, 'native')], { stdio: 'inherit' });
  execFileSync(join(top, 'node_modules/.bin/tsc'), ['-p', top], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(top, 'tools/bundle.mjs')], { stdio: 'inherit' });
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    env: { ...process.env, NSBOX_TEST_MOUNT_NS: '1' },
  });
  process.exit(r.status ?? 1);
}
if (!isRoot) {
  execFileSync('make', ['-s', '-C', join(top, 'native')], { stdio: 'inherit' });
  execFileSync(join(top, 'node_modules/.bin/tsc'), ['-p', top], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(top, 'tools/bundle.mjs')], { stdio: 'inherit' });
}

function testFiles(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

// `npm test -- unit` runs only test files whose path contains "unit".
const filters = args.filter((a) => !a.startsWith('-'));
const files = testFiles(join(top, 'dist/test')).filter(
  (f) => filters.length === 0 || filters.some((s) => relative(top, f).includes(s)),
);
/** What tests may leave behind on the host: temp trees, cgroups, containers' nodes, running helpers. */
function leftovers() {
  const list = (dir, keep) => {
    try {
      return readdirSync(dir).filter(keep).map((n) => join(dir, n));
    } catch {
      return [];
    }
  };
  const cgroupRoots = ['/sys/fs/cgroup', '/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'];
  const helpers = list('/proc', (n) => /^\d+$/.test(n)).filter((p) => {
    try {
      return readlinkSync(`${p}/exe`).endsWith('/nsbox-helper');
    } catch {
      return false;
    }
  });
  return new Set([
    ...list(tmpdir(), (n) => n.startsWith('nsbox-')),
    // Debian tree copies (too big for a small /tmp), and the containers' host-side nodes.
    ...list('/var/tmp', (n) => n.startsWith('nsbox-')),
    ...list('/run/nsbox/containers', () => true),
    // Uid range locks of -U containers: their supervisor's cleanup removes them.
    ...list('/run/nsbox/uid-ranges', () => true),
    ...cgroupRoots.flatMap((d) => list(d, (n) => n.startsWith('nsbox-') || n === 'payload' || n === 'supervisor')),
    ...helpers.map((p) => `helper process ${p}`),
  ]);
}

const before = leftovers();
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...args.filter((a) => a.startsWith('-')), ...files], {
  stdio: 'inherit',
  cwd: top,
});
const leaked = [...leftovers()].filter((x) => !before.has(x));
if (leaked.length > 0) {
  process.stderr.write(`\nThe tests left these behind (each test must clean up after itself):\n${leaked.map((x) => `  ${x}`).join('\n')}\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);
