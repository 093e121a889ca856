// Linux signal names and numbers (x86, arm and most architectures), and systemd's way of reading
// them: "SIGTERM", "TERM", "15", "RTMIN+3", "SIGRTMAX-1". RTMIN is glibc's (34): that is what a
// systemd inside listens on, and what the kernel's 32 would miss.

export const SIGNAL_NAMES: readonly string[] = [
  '', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2',
  'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU',
  'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS',
];

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

/**
 * The signal `text` names, or undefined: systemd's signal_from_string(), the one reading of unit
 * files, .nspawn files and nspawn's --kill-signal=. Names are case-sensitive there (systemd-nspawn
 * 252: `--kill-signal=sigterm` -> "Cannot parse signal: sigterm"), so here too.
 */
export function parseSignal(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= SIGRTMAX ? n : undefined;
  }
  const name = text.replace(/^SIG/, '');
  const known = SIGNAL_NAMES.indexOf(name);
  if (known > 0) return known;
  const rt = /^RTM(IN|AX)(?:([+-])(\d+))?$/.exec(name);
  if (!rt) return undefined;
  const base = rt[1] === 'IN' ? SIGRTMIN : SIGRTMAX;
  const n = base + (rt[3] === undefined ? 0 : Number(rt[3]) * (rt[2] === '-' ? -1 : 1));
  return n >= SIGRTMIN && n <= SIGRTMAX ? n : undefined;
}
