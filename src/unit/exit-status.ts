// Exit status names (systemd.exec(5) "Process Exit Codes"; `systemd-analyze exit-status`), once:
// SuccessExitStatus= and friends read them, failures between fork and exec map to them
// (sandbox/exit-status.ts), and results render as `226/NAMESPACE`.

export const EXIT_STATUS = {
  SUCCESS: 0, FAILURE: 1, INVALIDARGUMENT: 2, NOTIMPLEMENTED: 3, NOPERMISSION: 4, NOTINSTALLED: 5,
  NOTCONFIGURED: 6, NOTRUNNING: 7,
  USAGE: 64, DATAERR: 65, NOINPUT: 66, NOUSER: 67, NOHOST: 68, UNAVAILABLE: 69, SOFTWARE: 70, OSERR: 71,
  OSFILE: 72, CANTCREAT: 73, IOERR: 74, TEMPFAIL: 75, PROTOCOL: 76, NOPERM: 77, CONFIG: 78,
  CHDIR: 200, NICE: 201, FDS: 202, EXEC: 203, MEMORY: 204, LIMITS: 205, OOM_ADJUST: 206, SIGNAL_MASK: 207,
  STDIN: 208, STDOUT: 209, CHROOT: 210, IOPRIO: 211, TIMERSLACK: 212, SECUREBITS: 213, SETSCHEDULER: 214,
  CPUAFFINITY: 215, GROUP: 216, USER: 217, CAPABILITIES: 218, CGROUP: 219, SETSID: 220, CONFIRM: 221,
  STDERR: 222, PAM: 224, NETWORK: 225, NAMESPACE: 226, NO_NEW_PRIVILEGES: 227, SECCOMP: 228,
  SELINUX_CONTEXT: 229, PERSONALITY: 230, APPARMOR_PROFILE: 231, ADDRESS_FAMILIES: 232,
  RUNTIME_DIRECTORY: 233, CHOWN: 235, SMACK_PROCESS_LABEL: 236, KEYRING: 237, STATE_DIRECTORY: 238,
  CACHE_DIRECTORY: 239, LOGS_DIRECTORY: 240, CONFIGURATION_DIRECTORY: 241, NUMA_POLICY: 242,
  CREDENTIALS: 243, BPF: 245, EXCEPTION: 255,
} as const;

export type ExitStatusName = keyof typeof EXIT_STATUS;

/** By name, for values read from unit files (any string may be asked). */
export const EXIT_STATUS_NAMES: Readonly<Record<string, number>> = EXIT_STATUS;

const BY_CODE = new Map<number, ExitStatusName>(Object.entries(EXIT_STATUS).map(([name, code]) => [code, name as ExitStatusName]));

/** `226/NAMESPACE` for systemd's own statuses (200 and up); other codes as plain numbers. */
export function formatExitStatus(status: number | ExitStatusName): string {
  const code = typeof status === 'number' ? status : EXIT_STATUS[status];
  const name = BY_CODE.get(code);
  return name !== undefined && code >= 200 ? `${code}/${name}` : String(code);
}
