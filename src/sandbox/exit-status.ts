// systemd's exit statuses for failures between fork and exec (systemd.exec(5), "Process Exit
// Codes"). A failed plan op or step maps to one of these so results read as systemd's.
import type { StepName } from '../plan/wire-ids.js';

export const EXIT_STATUS = {
  CHDIR: 200, NICE: 201, FDS: 202, EXEC: 203, MEMORY: 204, LIMITS: 205, OOM_ADJUST: 206,
  SIGNAL_MASK: 207, STDIN: 208, STDOUT: 209, CHROOT: 210, IOPRIO: 211, TIMERSLACK: 212,
  SECUREBITS: 213, SETSCHEDULER: 214, CPUAFFINITY: 215, GROUP: 216, USER: 217, CAPABILITIES: 218,
  CGROUP: 219, SETSID: 220, CONFIRM: 221, STDERR: 222, PAM: 224, NETWORK: 225, NAMESPACE: 226,
  NO_NEW_PRIVILEGES: 227, SECCOMP: 228, SELINUX_CONTEXT: 229, PERSONALITY: 230,
  APPARMOR_PROFILE: 231, ADDRESS_FAMILIES: 232, RUNTIME_DIRECTORY: 233, CHOWN: 235,
  SMACK_PROCESS_LABEL: 236, KEYRING: 237, STATE_DIRECTORY: 238, CACHE_DIRECTORY: 239,
  LOGS_DIRECTORY: 240, CONFIGURATION_DIRECTORY: 241, NUMA_POLICY: 242, CREDENTIALS: 243, BPF: 245,
} as const;

export type ExitStatusName = keyof typeof EXIT_STATUS;

/** `226/NAMESPACE`, as systemctl status prints it. */
export const formatExitStatus = (name: ExitStatusName): string => `${EXIT_STATUS[name]}/${name}`;

/**
 * The helper's failed step -> systemd's status, for every step there is (the compiler checks).
 * Ops and namespace steps are 226/NAMESPACE, as systemd reports any failure of its mount setup.
 */
const STEP_STATUS: Readonly<Record<StepName, ExitStatusName>> = {
  OP: 'NAMESPACE', READ_PLAN: 'NAMESPACE', CLONE: 'NAMESPACE', USERNS_MAP: 'NAMESPACE', JOIN: 'NAMESPACE',
  OPEN_ROOT: 'NAMESPACE', HOSTNAME: 'NAMESPACE', FORK: 'NAMESPACE', UMASK: 'NAMESPACE', PDEATHSIG: 'NAMESPACE',
  CGROUP: 'CGROUP', CREDENTIALS: 'USER', RLIMIT: 'LIMITS', CAPABILITIES: 'CAPABILITIES',
  NO_NEW_PRIVS: 'NO_NEW_PRIVILEGES', SECCOMP: 'SECCOMP', OOM_SCORE_ADJ: 'OOM_ADJUST', NICE: 'NICE',
  PERSONALITY: 'PERSONALITY', CPU_AFFINITY: 'CPUAFFINITY', TERMINAL: 'STDIN', CHDIR: 'CHDIR', EXEC: 'EXEC', LOOPBACK: 'NETWORK',
  // Units get no notify socket from the helper yet; were they to, its failure is the sandbox's.
  NOTIFY: 'NAMESPACE', HOST_FIFO: 'NAMESPACE', HOST_DIR: 'NAMESPACE',
};

export const exitStatusForStep = (step: StepName): ExitStatusName => STEP_STATUS[step];
