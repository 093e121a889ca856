// One-line descriptions of ops and setup steps, used in error messages: `bind /srv/data -> /data`.
import type { AnyPath, Op, Plan } from './types.js';
import { assertNever } from '../assert-never.js';
import type { StepName } from './wire-ids.js';

const where = (p: AnyPath): string => (p.in === 'host' ? p.path : `${p.path} (in root)`);

export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'bind': return `bind ${where(op.source)} -> ${op.target.path}`;
    case 'mount-point': return `make ${op.target.path} a mount point`;
    case 'remount': return `remount ${op.target.path}`;
    case 'tmpfs': return `tmpfs ${op.target.path}`;
    case 'proc': return `mount proc on ${op.target.path}`;
    case 'sysfs': return `mount sysfs on ${op.target.path}`;
    case 'devpts': return `mount devpts on ${op.target.path}`;
    case 'mqueue': return `mount mqueue on ${op.target.path}`;
    case 'cgroup2': return `mount cgroup2 on ${op.target.path}`;
    case 'inaccessible': return `make ${op.target.path} inaccessible`;
    case 'overlay': return `overlay ${op.lower.map(where).join(':')} -> ${op.target.path}`;
    case 'mkdir': return `mkdir ${op.path.path}`;
    case 'symlink': return `symlink ${op.path.path} -> ${op.linkTarget}`;
    case 'write-file': return `write ${op.path.path}`;
    case 'mknod': return `mknod ${op.path.path}`;
    case 'chmod': return `chmod ${op.path.path}`;
    case 'propagation': return `make ${op.target.path} ${op.mode}`;
    case 'bind-content': return `bind a ${op.content.length}-byte file over ${op.target.path}`;
    case 'bind-console': return `bind console to ${op.target.path}`;
    case 'switch-root': return 'switch root';
    default: return assertNever(op);
  }
}

/** What a step outside the op list was doing, for the plan it ran. */
export function describeStep(step: StepName, plan: Plan): string {
  const p = plan.process;
  switch (step) {
    case 'OP': return 'op';
    case 'READ_PLAN': return 'read plan';
    case 'CLONE': return `create namespaces (${[...plan.namespaces, ...(plan.pidMode === 'none' ? [] : ['pid'])].join(', ') || 'none'})`;
    case 'USERNS_MAP': return 'write user namespace id maps';
    case 'JOIN': return `join namespaces of pid ${plan.join?.pid ?? '?'}`;
    case 'CGROUP': return `join cgroup ${(plan.cgroups ?? []).join(', ')}`;
    case 'OPEN_ROOT': return `open root ${plan.root ?? '/'}`;
    case 'HOSTNAME': return `set hostname ${p.hostname ?? ''}`;
    case 'CREDENTIALS': return `set credentials uid=${p.credentials?.uid} gid=${p.credentials?.gid}`;
    case 'RLIMIT': return 'set resource limits';
    case 'CAPABILITIES': return 'set capabilities';
    case 'NO_NEW_PRIVS': return 'set no_new_privs';
    case 'SECCOMP': return 'install seccomp filter';
    case 'OOM_SCORE_ADJ': return `set oom_score_adj ${p.oomScoreAdjust ?? ''}`;
    case 'NICE': return `set nice ${p.nice ?? ''}`;
    case 'PERSONALITY': return 'set personality';
    case 'TERMINAL': return 'set up terminal';
    case 'CHDIR': return `chdir ${p.cwd}`;
    case 'EXEC': return `exec ${p.executable ?? p.argv[0]}`;
    case 'FORK': return 'fork payload';
    case 'UMASK': return 'set umask';
    case 'PDEATHSIG': return 'set parent-death signal';
    case 'LOOPBACK': return 'bring up the loopback interface';
    case 'NOTIFY': return `bind the notify socket ${plan.supervisor?.notify?.hostPath ?? ''}`;
    case 'HOST_FIFO': return `make the FIFO ${(plan.supervisor?.hostFifos ?? []).join(', ')}`;
    case 'CPU_AFFINITY': return `set CPU affinity ${(p.cpuAffinity ?? []).join(',')}`;
    case 'HOST_DIR': return `make the directory ${(plan.supervisor?.hostDirs ?? []).map((d) => d.path).join(', ')}`;
    case 'HOST_LOCK': return `lock ${(plan.supervisor?.hostLocks ?? []).join(', ')} (in use by another container)`;
    default: return assertNever(step);
  }
}
