// Reads what systemd-detect-virt looks at, for detect.ts to decide. Every read is allowed to fail:
// a missing file is a fact too.
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { UsernsFacts, VirtFacts } from './detect.js';

const firstLine = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').split('\n')[0]?.trim() ?? '';
  } catch {
    return undefined;
  }
};

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

function environOf(pid: number | 'self', name: string): string | undefined {
  const text = read(`/proc/${pid}/environ`);
  return text?.split('\0').find((e) => e.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** systemd's running_in_cgroupns(): on cgroup2, the root of a nested cgroup has cgroup.events. */
function inCgroupNamespace(): boolean {
  const unified = existsSync('/sys/fs/cgroup/cgroup.controllers');
  if (unified) {
    if (!existsSync('/sys/fs/cgroup/cgroup.events')) return false;
    if (existsSync('/sys/fs/cgroup/cgroup.type')) return true;
    return !existsSync('/sys/kernel/cgroup/features');
  }
  return existsSync('/sys/fs/cgroup/systemd') && !existsSync('/sys/fs/cgroup/systemd/release_agent');
}

export function gatherVirtFacts(): VirtFacts {
  const tracer = /^TracerPid:\s*(\d+)/m.exec(read('/proc/self/status') ?? '')?.[1];
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const isPid1 = process.pid === 1;
  const facts: VirtFacts = {
    procVz: existsSync('/proc/vz'),
    procBc: existsSync('/proc/bc'),
    ...optional('kernelOsRelease', firstLine('/proc/sys/kernel/osrelease')),
    ...optional('tracerComm', tracer && tracer !== '0' ? firstLine(`/proc/${tracer}/comm`) : undefined),
    ...optional('runHostContainerManager', firstLine('/run/host/container-manager')),
    isPid1,
    ...optional('ownContainerEnv', isPid1 ? process.env['container'] : undefined),
    ...optional('runSystemdContainer', firstLine('/run/systemd/container')),
    ...optional('pid1ContainerEnv', isPid1 ? undefined : environOf(1, 'container')),
    runContainerenv: existsSync('/run/.containerenv'),
    dockerenv: existsSync('/.dockerenv'),
    inCgroupNamespace: inCgroupNamespace(),
    dmi: ['product_name', 'sys_vendor', 'board_vendor', 'bios_vendor', 'product_version'].flatMap((f) => firstLine(`/sys/class/dmi/id/${f}`) ?? []),
    ...optional('hypervisorType', firstLine('/sys/hypervisor/type')),
    cpuHypervisorFlag: /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo),
    userModeLinux: /^vendor_id\s*:\s*User Mode Linux/m.test(cpuinfo),
    zvm: /z\/VM/.test(read('/proc/sysinfo') ?? ''),
  };
  return facts;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

export function gatherUsernsFacts(): UsernsFacts {
  return {
    ...optional('uidMap', read('/proc/self/uid_map')),
    ...optional('gidMap', read('/proc/self/gid_map')),
    ...optional('setgroups', read('/proc/self/setgroups')),
  };
}

/** running_in_chroot(): our root is not PID 1's. An error (no access to /proc/1/root) is returned. */
export function runningInChroot(): boolean | NodeJS.ErrnoException {
  try {
    const a = statSync('/proc/1/root');
    const b = statSync('/');
    return a.dev !== b.dev || a.ino !== b.ino;
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}
