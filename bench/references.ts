// Installs the reference tools the bench compares against, with apt, if any is missing.
import { execFileSync } from 'node:child_process';

/** Command -> the Debian package that provides it. */
export const REFERENCE_PACKAGES: Readonly<Record<string, string>> = {
  bwrap: 'bubblewrap',
  'systemd-nspawn': 'systemd-container',
  hyperfine: 'hyperfine',
  runc: 'runc',
  unshare: 'util-linux',
  busybox: 'busybox-static',
};

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$0"`, cmd], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function missingPackages(has: (cmd: string) => boolean = hasCommand): string[] {
  return [...new Set(Object.entries(REFERENCE_PACKAGES).filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))].sort();
}

export function ensureReferences(log: (line: string) => void): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  log(`installing ${missing.join(' ')} with apt`);
  // apt's chatter goes to stderr: with --json, stdout must hold nothing but the array.
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"', 'sh', ...missing], {
    stdio: ['ignore', 2, 2],
  });
}
