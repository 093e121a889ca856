// A failed plan op or step of the helper maps to one of systemd's exit statuses for failures
// between fork and exec (unit/exit-status.ts), so results read as systemd's.
import type { StepName } from '../plan/wire-ids.js';
import type { ExitStatusName } from '../unit/exit-status.js';

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
  NOTIFY: 'NAMESPACE', HOST_FIFO: 'NAMESPACE', HOST_DIR: 'NAMESPACE', HOST_LOCK: 'NAMESPACE',
};

export const exitStatusForStep = (step: StepName): ExitStatusName => STEP_STATUS[step];
