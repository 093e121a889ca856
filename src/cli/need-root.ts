// systemd-nspawn's first check after its options: everything it does needs root. Saying so beats
// an EACCES from deep inside (a cgroup mkdir) and a directory left behind.
export function needsRoot(): boolean {
  if (process.geteuid?.() === 0) return false;
  process.stderr.write('Need to be root.\n');
  return true;
}
