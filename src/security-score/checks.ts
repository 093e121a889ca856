// systemd 252's 81 security checks as data: what each grades, its weight and range, and the
// wording systemd-analyze prints (Debian's 252.39 strings, quirks included: the CAP_NET json_field
// ends in ")", and CAP_BPF's good and bad texts read the other way round to a human).
import { CAPABILITY_NAMES } from '../plan/capabilities.js';
import type { RestrictableNamespace } from '../unit/exec-settings.js';
import type { SecurityInfo } from './info.js';
import { SYSCALL_GROUPS } from '../seccomp/groups.js';

/** A grade: 0 (good) .. range (bad), or not applicable (left out of the sums). */
export interface Grade {
  readonly badness: number | 'n/a';
  /** Overrides the check's own good/bad/n.a. text. */
  readonly description?: string;
}

export interface SecurityCheck {
  readonly id: string;
  readonly jsonField: string;
  readonly url: string;
  readonly weight: number;
  readonly range: number;
  readonly good?: string;
  readonly bad?: string;
  readonly na?: string;
  /** N/A for units without default dependencies ("special boot phase"). */
  readonly defaultDependenciesOnly?: boolean;
  readonly assess: (info: SecurityInfo, resolves: (name: string) => boolean) => Grade;
  /** The directive (and value) that makes this check good, for --explain and --suggest. */
  readonly fix?: readonly string[];
  /** Weaker settings that still lower the badness, for --suggest when `fix` would break the service. */
  readonly fallbacks?: readonly (readonly string[])[];
}

const MAN = 'https://www.freedesktop.org/software/systemd/man/systemd.exec.html#';
const grade = (badness: number | 'n/a', description?: string): Grade => (description === undefined ? { badness } : { badness, description });
const bool = (value: boolean): Grade => grade(value ? 0 : 1);

/** True when the service runs as root, where user-scoped options do not apply. */
export function runsPrivileged(info: SecurityInfo): boolean {
  if (info.user === '0' || info.user === 'root') return true;
  if (info.dynamicUser) return false;
  return info.user === undefined || info.user === '';
}

function flag(id: string, field: keyof SecurityInfo, weight: number, good: string, bad: string, extra: Partial<SecurityCheck> = {}): SecurityCheck {
  const name = id.replace(/=$/, '');
  return { id: `${id}`, jsonField: name, url: `${MAN}${id}`, weight, range: 1, good, bad, assess: (i) => bool(i[field] === true), fix: [`${name}=yes`], ...extra };
}

function capability(names: readonly string[], label: string, jsonSuffix: string, weight: number, good: string, bad: string): SecurityCheck {
  const numbers = names.map((n) => (CAPABILITY_NAMES as readonly string[]).indexOf(`CAP_${n}`));
  return {
    id: `CapabilityBoundingSet=~CAP_${label}`, jsonField: `CapabilityBoundingSet_CAP_${jsonSuffix}`, url: `${MAN}CapabilityBoundingSet=`,
    weight, range: 1, good, bad,
    assess: (i) => grade(numbers.some((n) => i.capabilityBoundingSet.has(n)) ? 1 : 0),
    fix: [`CapabilityBoundingSet=~${names.map((n) => `CAP_${n}`).join(' ')}`],
  };
}

function namespace(type: RestrictableNamespace, weight: number, what: string): SecurityCheck {
  return {
    id: `RestrictNamespaces=~${type}`, jsonField: `RestrictNamespaces_${type}`, url: `${MAN}RestrictNamespaces=`, weight, range: 1,
    good: `Service cannot create ${what} namespaces`, bad: `Service may create ${what} namespaces`,
    assess: (i) => grade(i.allowedNamespaces.has(type) ? 1 : 0),
    fix: [`RestrictNamespaces=~${type}`],
  };
}

function addressFamily(label: string, jsonSuffix: string, key: keyof SecurityInfo['addressFamilies'], weight: number, what: string, fix: string): SecurityCheck {
  return {
    id: `RestrictAddressFamilies=~${label}`, jsonField: `RestrictAddressFamilies_${jsonSuffix}`, url: `${MAN}RestrictAddressFamilies=`,
    weight, range: 1, good: `Service cannot allocate ${what} sockets`, bad: `Service may allocate ${what} sockets`,
    assess: (i) => bool(i.addressFamilies[key]), fix: [`RestrictAddressFamilies=~${fix}`],
  };
}

/** The first call of a group (nested groups in place) that exists here and the filter lets through. */
function offendingCall(group: string, info: SecurityInfo, resolves: (name: string) => boolean, seen = new Set<string>()): string | undefined {
  seen.add(group);
  for (const member of SYSCALL_GROUPS[group] ?? []) {
    if (member.startsWith('@')) {
      const nested = seen.has(member) ? undefined : offendingCall(member, info, resolves, seen);
      if (nested !== undefined) return nested;
      continue;
    }
    if (resolves(member) && info.systemCallFilter.names.has(member) === info.systemCallFilter.allowList) return member;
  }
  return undefined;
}

function syscallGroup(group: string, weight: number): SecurityCheck {
  return {
    id: `SystemCallFilter=~${group}`, jsonField: `SystemCallFilter_${group.slice(1).replace(/-/g, '_')}`, url: `${MAN}SystemCallFilter=`,
    weight, range: 10,
    assess: (i, resolves) => {
      const f = i.systemCallFilter;
      if (!f.allowList && f.names.size === 0) return grade(10, 'Service does not filter system calls');
      const offender = offendingCall(group, i, resolves);
      if (f.allowList) {
        return offender !== undefined
          ? grade(9, `System call allow list defined for service, and ${group} is included (e.g. ${offender} is allowed)`)
          : grade(0, `System call allow list defined for service, and ${group} is not included`);
      }
      return offender !== undefined
        ? grade(10, `System call deny list defined for service, and ${group} is not included (e.g. ${offender} is allowed)`)
        : grade(0, `System call deny list defined for service, and ${group} is included`);
    },
    fix: [`SystemCallFilter=~${group}`],
  };
}

function userCheck(i: SecurityInfo): Grade {
  if (i.user === 'nobody') return grade(9, "Service runs under as 'nobody' user, which should not be used for services");
  if (i.dynamicUser && i.user !== '0' && i.user !== 'root') return grade(0, 'Service runs under a transient non-root user identity');
  if (i.user !== undefined && !['0', 'root', ''].includes(i.user)) return grade(0, 'Service runs under a static non-root user identity');
  return grade(10);
}

function protectHome(i: SecurityInfo): Grade {
  switch (i.protectHome) {
    case 'yes': return grade(0, 'Service has no access to home directories');
    case 'read-only': return grade(5, 'Service has read-only access to home directories');
    case 'tmpfs': return grade(1, 'Service has access to fake empty home directories');
    default: return grade(10, 'Service has full access to home directories');
  }
}

function protectSystem(i: SecurityInfo): Grade {
  switch (i.protectSystem) {
    case 'yes': return grade(5, 'Service has limited write access to the OS file hierarchy');
    case 'full': return grade(3, 'Service has very limited write access to the OS file hierarchy');
    case 'strict': return grade(0, 'Service has strict read-only access to the OS file hierarchy');
    default: return grade(10, 'Service has full access to the OS file hierarchy');
  }
}

function umask(i: SecurityInfo): Grade {
  const m = i.umask;
  if (!(m & 0o002)) return grade(10, 'Files created by service are world-writable by default');
  if (!(m & 0o004)) return grade(5, 'Files created by service are world-readable by default');
  if (!(m & 0o020)) return grade(2, 'Files created by service are group-writable by default');
  if (!(m & 0o040)) return grade(1, 'Files created by service are group-readable by default');
  return grade(0, "Files created by service are accessible only by service's own user by default");
}

function architectures(i: SecurityInfo): Grade {
  const a = i.systemCallArchitectures;
  if (a.length === 0) return grade(10, 'Service may execute system calls with all ABIs');
  if (new Set(a).size === 1 && a[0] === 'native') return grade(0, 'Service may execute system calls only with native ABI');
  return grade(8, 'Service may execute system calls with multiple ABIs');
}

function ipAddresses(i: SecurityInfo): Grade {
  if (i.ip.customIngress || i.ip.customEgress) return grade(0, 'Service defines custom ingress/egress IP filters with BPF programs');
  if (!i.ip.denyAll) return grade(10, 'Service does not define an IP address allow list');
  if (i.ip.allowOther) return grade(5, 'Service defines IP address allow list with non-localhost entries');
  if (i.ip.allowLocalhost) return grade(2, 'Service defines IP address allow list with only localhost entries');
  return grade(0, 'Service blocks all IP address ranges');
}

function devices(i: SecurityInfo): Grade {
  if (i.devicePolicy === 'strict' || i.devicePolicy === 'closed') {
    if (i.deviceAllow.length === 0) return grade(0, 'Service has a minimal device ACL');
    return grade(5, `Service has a device ACL with some special devices: ${i.deviceAllow.map((d) => `${d.path}:${d.access}`).join(' ')}`);
  }
  return grade(10, 'Service has no device ACL');
}

export const SECURITY_CHECKS: readonly SecurityCheck[] = [
  { id: 'User=/DynamicUser=', jsonField: 'UserOrDynamicUser', url: `${MAN}User=`, weight: 2000, range: 10, bad: 'Service runs as root user', assess: userCheck, fix: ['DynamicUser=yes'] },
  {
    id: 'SupplementaryGroups=', jsonField: 'SupplementaryGroups', url: `${MAN}SupplementaryGroups=`, weight: 200, range: 1,
    good: 'Service has no supplementary groups', bad: 'Service runs with supplementary groups', na: 'Service runs as root, option does not matter',
    assess: (i) => (runsPrivileged(i) ? grade('n/a') : grade(i.supplementaryGroups.length > 0 ? 1 : 0)), fix: ['SupplementaryGroups='],
  },
  flag('PrivateDevices=', 'privateDevices', 1000, 'Service has no access to hardware devices', 'Service potentially has access to hardware devices'),
  flag('PrivateMounts=', 'privateMounts', 1000, 'Service cannot install system mounts', 'Service may install system mounts'),
  flag('PrivateNetwork=', 'privateNetwork', 2500, "Service has no access to the host's network", "Service has access to the host's network"),
  flag('PrivateTmp=', 'privateTmp', 1000, "Service has no access to other software's temporary files", "Service has access to other software's temporary files", { defaultDependenciesOnly: true }),
  flag('PrivateUsers=', 'privateUsers', 1000, 'Service does not have access to other users', 'Service has access to other users'),
  flag('ProtectControlGroups=', 'protectControlGroups', 1000, 'Service cannot modify the control group file system', 'Service may modify the control group file system'),
  flag('ProtectKernelModules=', 'protectKernelModules', 1000, 'Service cannot load or read kernel modules', 'Service may load or read kernel modules'),
  flag('ProtectKernelTunables=', 'protectKernelTunables', 1000, 'Service cannot alter kernel tunables (/proc/sys, …)', 'Service may alter kernel tunables'),
  flag('ProtectKernelLogs=', 'protectKernelLogs', 1000, 'Service cannot read from or write to the kernel log ring buffer', 'Service may read from or write to the kernel log ring buffer'),
  flag('ProtectClock=', 'protectClock', 1000, 'Service cannot write to the hardware clock or system clock', 'Service may write to the hardware clock or system clock'),
  { id: 'ProtectHome=', jsonField: 'ProtectHome', url: `${MAN}ProtectHome=`, weight: 1000, range: 10, defaultDependenciesOnly: true, assess: protectHome, fix: ['ProtectHome=yes'], fallbacks: [['ProtectHome=read-only']] },
  flag('ProtectHostname=', 'protectHostname', 50, 'Service cannot change system host/domainname', 'Service may change system host/domainname'),
  { id: 'ProtectSystem=', jsonField: 'ProtectSystem', url: `${MAN}ProtectSystem=`, weight: 1000, range: 10, defaultDependenciesOnly: true, assess: protectSystem, fix: ['ProtectSystem=strict'], fallbacks: [['ProtectSystem=full'], ['ProtectSystem=yes']] },
  {
    id: 'RootDirectory=/RootImage=', jsonField: 'RootDirectoryOrRootImage', url: `${MAN}RootDirectory=`, weight: 200, range: 1, defaultDependenciesOnly: true,
    good: 'Service has its own root directory/image', bad: "Service runs within the host's root directory",
    assess: (i) => grade([i.rootDirectory, i.rootImage].every((p) => p === undefined || p === '' || p === '/') ? 1 : 0),
  },
  flag('LockPersonality=', 'lockPersonality', 100, 'Service cannot change ABI personality', 'Service may change ABI personality'),
  flag('MemoryDenyWriteExecute=', 'memoryDenyWriteExecute', 100, 'Service cannot create writable executable memory mappings', 'Service may create writable executable memory mappings'),
  flag('NoNewPrivileges=', 'noNewPrivileges', 1000, 'Service processes cannot acquire new privileges', 'Service processes may acquire new privileges'),
  capability(['SYS_ADMIN'], 'SYS_ADMIN', 'SYS_ADMIN', 1500, 'Service has no administrator privileges', 'Service has administrator privileges'),
  capability(['SETUID', 'SETGID', 'SETPCAP'], 'SET(UID|GID|PCAP)', 'SET_UID_GID_PCAP', 1500, 'Service cannot change UID/GID identities/capabilities', 'Service may change UID/GID identities/capabilities'),
  capability(['SYS_PTRACE'], 'SYS_PTRACE', 'SYS_PTRACE', 1500, 'Service has no ptrace() debugging abilities', 'Service has ptrace() debugging abilities'),
  capability(['SYS_TIME'], 'SYS_TIME', 'SYS_TIME', 1000, 'Service processes cannot change the system clock', 'Service processes may change the system clock'),
  capability(['NET_ADMIN'], 'NET_ADMIN', 'NET_ADMIN', 1000, 'Service has no network configuration privileges', 'Service has network configuration privileges'),
  capability(['SYS_RAWIO'], 'SYS_RAWIO', 'SYS_RAWIO', 1000, 'Service has no raw I/O access', 'Service has raw I/O access'),
  capability(['SYS_MODULE'], 'SYS_MODULE', 'SYS_MODULE', 1000, 'Service cannot load kernel modules', 'Service may load kernel modules'),
  capability(['AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE'], 'AUDIT_*', 'AUDIT', 500, 'Service has no audit subsystem access', 'Service has audit subsystem access'),
  capability(['SYSLOG'], 'SYSLOG', 'SYSLOG', 500, 'Service has no access to kernel logging', 'Service has access to kernel logging'),
  capability(['SYS_NICE', 'SYS_RESOURCE'], 'SYS_(NICE|RESOURCE)', 'SYS_NICE_RESOURCE', 500, 'Service has no privileges to change resource use parameters', 'Service has privileges to change resource use parameters'),
  capability(['MKNOD'], 'MKNOD', 'MKNOD', 500, 'Service cannot create device nodes', 'Service may create device nodes'),
  capability(['CHOWN', 'FSETID', 'SETFCAP'], '(CHOWN|FSETID|SETFCAP)', 'CHOWN_FSETID_SETFCAP', 1000, 'Service cannot change file ownership/access mode/capabilities', 'Service may change file ownership/access mode/capabilities unrestricted'),
  capability(['DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'IPC_OWNER'], '(DAC_*|FOWNER|IPC_OWNER)', 'DAC_FOWNER_IPC_OWNER', 1000, 'Service cannot override UNIX file/IPC permission checks', 'Service may override UNIX file/IPC permission checks'),
  capability(['KILL'], 'KILL', 'KILL', 500, 'Service cannot send UNIX signals to arbitrary processes', 'Service may send UNIX signals to arbitrary processes'),
  capability(['NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW'], 'NET_(BIND_SERVICE|BROADCAST|RAW)', 'NET_BIND_SERVICE_BROADCAST_RAW)', 500, 'Service has no elevated networking privileges', 'Service has elevated networking privileges'),
  capability(['SYS_BOOT'], 'SYS_BOOT', 'SYS_BOOT', 100, 'Service cannot issue reboot()', 'Service may issue reboot()'),
  capability(['MAC_ADMIN', 'MAC_OVERRIDE'], 'MAC_*', 'MAC', 100, 'Service cannot adjust SMACK MAC', 'Service may adjust SMACK MAC'),
  capability(['LINUX_IMMUTABLE'], 'LINUX_IMMUTABLE', 'LINUX_IMMUTABLE', 75, 'Service cannot mark files immutable', 'Service may mark files immutable'),
  capability(['IPC_LOCK'], 'IPC_LOCK', 'IPC_LOCK', 50, 'Service cannot lock memory into RAM', 'Service may lock memory into RAM'),
  capability(['SYS_CHROOT'], 'SYS_CHROOT', 'SYS_CHROOT', 50, 'Service cannot issue chroot()', 'Service may issue chroot()'),
  capability(['BLOCK_SUSPEND'], 'BLOCK_SUSPEND', 'BLOCK_SUSPEND', 25, 'Service cannot establish wake locks', 'Service may establish wake locks'),
  capability(['WAKE_ALARM'], 'WAKE_ALARM', 'WAKE_ALARM', 25, 'Service cannot program timers that wake up the system', 'Service may program timers that wake up the system'),
  capability(['LEASE'], 'LEASE', 'LEASE', 25, 'Service cannot create file leases', 'Service may create file leases'),
  capability(['SYS_TTY_CONFIG'], 'SYS_TTY_CONFIG', 'SYS_TTY_CONFIG', 25, 'Service cannot issue vhangup()', 'Service may issue vhangup()'),
  capability(['SYS_PACCT'], 'SYS_PACCT', 'SYS_PACCT', 25, 'Service cannot use acct()', 'Service may use acct()'),
  capability(['BPF'], 'BPF', 'BPF', 25, 'Service may not load BPF programs', 'Service may load BPF programs'),
  { id: 'UMask=', jsonField: 'UMask', url: `${MAN}UMask=`, weight: 100, range: 10, assess: umask, fix: ['UMask=0077'] },
  {
    id: 'KeyringMode=', jsonField: 'KeyringMode', url: `${MAN}KeyringMode=`, weight: 1000, range: 1,
    good: "Service doesn't share key material with other services", bad: 'Service shares key material with other service',
    assess: (i) => bool(i.keyringMode === 'private'), fix: ['KeyringMode=private'],
  },
  {
    id: 'ProtectProc=', jsonField: 'ProtectProc', url: `${MAN}ProtectProc=`, weight: 1000, range: 3,
    good: 'Service has restricted access to process tree (/proc hidepid=)', bad: 'Service has full access to process tree (/proc hidepid=)',
    assess: (i) => grade(i.protectProc === 'noaccess' ? 1 : i.protectProc === 'invisible' || i.protectProc === 'ptraceable' ? 0 : 3),
    fix: ['ProtectProc=invisible'],
  },
  {
    id: 'ProcSubset=', jsonField: 'ProcSubset', url: `${MAN}ProcSubset=`, weight: 10, range: 1,
    good: 'Service has no access to non-process /proc files (/proc subset=)', bad: 'Service has full access to non-process /proc files (/proc subset=)',
    assess: (i) => bool(i.procSubset === 'pid'), fix: ['ProcSubset=pid'],
  },
  {
    id: 'NotifyAccess=', jsonField: 'NotifyAccess', url: `${MAN}NotifyAccess=`, weight: 1000, range: 1,
    good: 'Service child processes cannot alter service state', bad: 'Service child processes may alter service state',
    assess: (i) => grade(i.notifyAccess === 'all' ? 1 : 0), fix: ['NotifyAccess=main'],
  },
  {
    id: 'RemoveIPC=', jsonField: 'RemoveIPC', url: `${MAN}RemoveIPC=`, weight: 100, range: 1,
    good: 'Service user cannot leave SysV IPC objects around', bad: 'Service user may leave SysV IPC objects around', na: 'Service runs as root, option does not apply',
    assess: (i) => (runsPrivileged(i) ? grade('n/a') : bool(i.removeIPC)), fix: ['RemoveIPC=yes'],
  },
  {
    id: 'Delegate=', jsonField: 'Delegate', url: `${MAN}Delegate=`, weight: 100, range: 1,
    good: 'Service does not maintain its own delegated control group subtree', bad: 'Service maintains its own delegated control group subtree',
    assess: (i) => grade(i.delegate ? 1 : 0), fix: ['Delegate=no'],
  },
  flag('RestrictRealtime=', 'restrictRealtime', 500, 'Service realtime scheduling access is restricted', 'Service may acquire realtime scheduling'),
  flag('RestrictSUIDSGID=', 'restrictSUIDSGID', 1000, 'SUID/SGID file creation by service is restricted', 'Service may create SUID/SGID files'),
  namespace('user', 1500, 'user'),
  namespace('mnt', 500, 'file system'),
  namespace('ipc', 500, 'IPC'),
  namespace('pid', 500, 'process'),
  namespace('cgroup', 500, 'cgroup'),
  namespace('net', 500, 'network'),
  namespace('uts', 100, 'hostname'),
  addressFamily('AF_(INET|INET6)', 'AF_INET_INET6', 'inet', 1500, 'Internet', 'AF_INET AF_INET6'),
  addressFamily('AF_UNIX', 'AF_UNIX', 'unix', 25, 'local', 'AF_UNIX'),
  addressFamily('AF_NETLINK', 'AF_NETLINK', 'netlink', 200, 'netlink', 'AF_NETLINK'),
  addressFamily('AF_PACKET', 'AF_PACKET', 'packet', 1000, 'packet', 'AF_PACKET'),
  { ...addressFamily('…', 'OTHER', 'other', 1250, 'exotic', ''), fix: ['RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6 AF_PACKET'] },
  { id: 'SystemCallArchitectures=', jsonField: 'SystemCallArchitectures', url: `${MAN}SystemCallArchitectures=`, weight: 1000, range: 10, assess: architectures, fix: ['SystemCallArchitectures=native'] },
  syscallGroup('@swap', 1000),
  syscallGroup('@obsolete', 250),
  syscallGroup('@clock', 1000),
  syscallGroup('@cpu-emulation', 250),
  syscallGroup('@debug', 1000),
  syscallGroup('@mount', 1000),
  syscallGroup('@module', 1000),
  syscallGroup('@raw-io', 1000),
  syscallGroup('@reboot', 1000),
  syscallGroup('@privileged', 700),
  syscallGroup('@resources', 700),
  { id: 'IPAddressDeny=', jsonField: 'IPAddressDeny', url: `${MAN}IPAddressDeny=`, weight: 1000, range: 10, assess: ipAddresses, fix: ['IPAddressDeny=any'] },
  { id: 'DeviceAllow=', jsonField: 'DeviceAllow', url: `${MAN}DeviceAllow=`, weight: 1000, range: 10, assess: devices, fix: ['DevicePolicy=closed'] },
  {
    id: 'AmbientCapabilities=', jsonField: 'AmbientCapabilities', url: `${MAN}AmbientCapabilities=`, weight: 500, range: 1,
    good: 'Service process does not receive ambient capabilities', bad: 'Service process receives ambient capabilities',
    assess: (i) => grade(i.ambientCapabilities.length > 0 ? 1 : 0), fix: ['AmbientCapabilities='],
  },
];
