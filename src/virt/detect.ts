// What systemd-detect-virt (252) decides, from facts the edge gathered (facts.ts): the container
// manager, the hypervisor, a user namespace, a chroot. Pure: the same facts give the same answer.

export const CONTAINER_IDS = ['systemd-nspawn', 'lxc-libvirt', 'lxc', 'openvz', 'docker', 'podman', 'rkt', 'wsl', 'proot', 'pouch', 'nsbox', 'container-other'] as const;
export type ContainerId = (typeof CONTAINER_IDS)[number];
export const VM_IDS = ['kvm', 'amazon', 'qemu', 'bochs', 'xen', 'uml', 'vmware', 'oracle', 'microsoft', 'zvm', 'parallels', 'bhyve', 'qnx', 'acrn', 'powervm', 'apple', 'sre', 'google', 'vm-other'] as const;
export type VmId = (typeof VM_IDS)[number];

export interface VirtFacts {
  /** /proc/vz and /proc/bc exist (OpenVZ shows the first inside, both outside). */
  readonly procVz: boolean;
  readonly procBc: boolean;
  readonly kernelOsRelease?: string;
  /** comm of our tracer, if we are traced. */
  readonly tracerComm?: string;
  /** /run/host/container-manager's first line (nspawn and nsbox write it). */
  readonly runHostContainerManager?: string;
  readonly isPid1: boolean;
  /** $container of this process (only asked when it is PID 1); '' set but empty. */
  readonly ownContainerEnv?: string;
  /** /run/systemd/container's first line. */
  readonly runSystemdContainer?: string;
  /** $container of PID 1, where readable. */
  readonly pid1ContainerEnv?: string;
  readonly runContainerenv: boolean;
  readonly dockerenv: boolean;
  /** The cgroup root looks nested (a cgroup namespace), by systemd's markers. */
  readonly inCgroupNamespace: boolean;
  /** DMI product_name, sys_vendor, board_vendor, bios_vendor, product_version, in that order. */
  readonly dmi: readonly string[];
  /** /sys/hypervisor/type. */
  readonly hypervisorType?: string;
  /** /proc/cpuinfo has the `hypervisor` flag, or says User Mode Linux. */
  readonly cpuHypervisorFlag: boolean;
  readonly userModeLinux: boolean;
  /** /proc/sysinfo names z/VM. */
  readonly zvm: boolean;
}

const KNOWN_CONTAINERS: Readonly<Record<string, ContainerId>> = {
  lxc: 'lxc', 'lxc-libvirt': 'lxc-libvirt', 'systemd-nspawn': 'systemd-nspawn', docker: 'docker', podman: 'podman',
  rkt: 'rkt', wsl: 'wsl', proot: 'proot', pouch: 'pouch',
  // nsbox's own containers say container=nsbox; systemd-detect-virt calls them container-other.
  nsbox: 'nsbox',
};

const fromFiles = (f: VirtFacts): ContainerId | 'none' => (f.runContainerenv ? 'podman' : f.dockerenv ? 'docker' : 'none');

function translate(name: string, f: VirtFacts): ContainerId | 'none' {
  // Some images hard-code container=oci, which names no manager.
  if (name === 'oci') return fromFiles(f) === 'none' ? 'none' : 'container-other';
  return KNOWN_CONTAINERS[name] ?? 'container-other';
}

export function detectContainer(f: VirtFacts): ContainerId | 'none' {
  if (f.procVz && !f.procBc) return 'openvz';
  if (f.kernelOsRelease !== undefined && /Microsoft|WSL/.test(f.kernelOsRelease)) return 'wsl';
  if (f.tracerComm?.startsWith('proot')) return 'proot';
  if (f.runHostContainerManager) return translate(f.runHostContainerManager, f);
  if (f.isPid1) {
    if (f.ownContainerEnv === '') return 'none';
    if (f.ownContainerEnv !== undefined) return translate(f.ownContainerEnv, f);
  } else {
    if (f.runSystemdContainer) return translate(f.runSystemdContainer, f);
    if (f.pid1ContainerEnv) return translate(f.pid1ContainerEnv, f);
  }
  const byFile = fromFiles(f);
  if (byFile !== 'none') return byFile;
  return f.inCgroupNamespace ? 'container-other' : 'none';
}

/** DMI vendor strings, matched at the start of each DMI field as systemd does. */
const DMI_VENDORS: readonly (readonly [string, VmId])[] = [
  ['KVM', 'kvm'], ['OpenStack', 'kvm'], ['KubeVirt', 'kvm'], ['Amazon EC2', 'amazon'], ['QEMU', 'qemu'],
  ['VMware', 'vmware'], ['VMW', 'vmware'], ['innotek GmbH', 'oracle'], ['VirtualBox', 'oracle'], ['Xen', 'xen'],
  ['Bochs', 'bochs'], ['Parallels', 'parallels'], ['BHYVE', 'bhyve'], ['Hyper-V', 'microsoft'], ['Apple Virtualization', 'apple'],
  ['Google Compute Engine', 'google'],
];

function fromDmi(dmi: readonly string[]): VmId | undefined {
  for (const field of dmi) for (const [vendor, id] of DMI_VENDORS) if (field.startsWith(vendor)) return id;
  return undefined;
}

/**
 * systemd's order: products that run on another hypervisor first (VirtualBox, EC2, Parallels by
 * DMI; UML; Xen), then what the CPU says, then DMI. nsbox cannot execute CPUID from Node, so a
 * hypervisor only CPUID names is `vm-other` here (docs/compatibility.md).
 */
export function detectVm(f: VirtFacts): VmId | 'none' {
  const dmi = fromDmi(f.dmi);
  if (dmi === 'oracle' || dmi === 'amazon' || dmi === 'parallels') return dmi;
  if (f.userModeLinux) return 'uml';
  if (f.hypervisorType === 'xen') return 'xen';
  if (dmi !== undefined) return dmi;
  if (f.zvm) return 'zvm';
  return f.cpuHypervisorFlag ? 'vm-other' : 'none';
}

export interface UsernsFacts {
  readonly uidMap?: string;
  readonly gidMap?: string;
  readonly setgroups?: string;
}

/** running_in_userns(): any map but the full identity one, or setgroups denied. */
export function runningInUserns(f: UsernsFacts): boolean {
  const mapped = (text: string | undefined): boolean => {
    if (text === undefined) return false;
    const first = text.trim().split('\n')[0]?.trim().split(/\s+/) ?? [];
    if (first.length < 3) return true; // empty: an uninitialized user namespace
    return !(first[0] === '0' && first[1] === '0' && first[2] === '4294967295');
  };
  return mapped(f.uidMap) || mapped(f.gidMap) || f.setgroups?.trim() === 'deny';
}
