// Signal names and numbers as systemd parses them for --kill-signal= (signal_from_string):
// "SIGTERM", "TERM", "15", "RTMIN+3", "SIGRTMIN+3". RTMIN is glibc's (34): that is what systemd
// in the container listens on, and what the kernel's 32 would miss.

export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20,
  TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29,
  PWR: 30, SYS: 31,
};

export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGTERM = 15;

/** undefined when the text names no signal. */
export function parseSignal(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= 1 && n <= SIGRTMAX ? n : undefined;
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  const known = SIGNAL_NUMBERS[name];
  if (known !== undefined) return known;
  const rt = /^RTM(IN|AX)(?:([+-])(\d+))?$/.exec(name);
  if (!rt) return undefined;
  const base = rt[1] === 'IN' ? SIGRTMIN : SIGRTMAX;
  const offset = rt[3] === undefined ? 0 : Number(rt[3]) * (rt[2] === '-' ? -1 : 1);
  const n = base + offset;
  return n >= SIGRTMIN && n <= SIGRTMAX ? n : undefined;
}
