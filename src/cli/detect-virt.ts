// `nsbox detect-virt`: systemd-detect-virt's command line and exit codes (0 when something is
// detected, 1 when not), on any host.
import { CONTAINER_IDS, VM_IDS, detectContainer, detectVm, runningInUserns } from '../virt/detect.js';
import { gatherUsernsFacts, gatherVirtFacts, runningInChroot } from '../virt/facts.js';

const USAGE = `usage: nsbox detect-virt [OPTIONS...]

Detect execution in a virtualized environment.

  -c --container      Only detect whether we are run in a container
  -v --vm             Only detect whether we are run in a VM
  -r --chroot         Detect whether we are run in a chroot() environment
     --private-users  Only detect whether we are running in a user namespace
  -q --quiet          Don't output anything, just set return value
     --list           List all known and detectable types of virtualization
  -h --help           Show this help
`;

type Mode = 'any' | 'container' | 'vm' | 'chroot' | 'private-users' | 'list';

const MODES: Readonly<Record<string, Mode>> = {
  '-c': 'container', '--container': 'container', '-v': 'vm', '--vm': 'vm', '-r': 'chroot', '--chroot': 'chroot',
  '--private-users': 'private-users', '--list': 'list',
};

export async function main(args: readonly string[]): Promise<number> {
  let mode: Mode = 'any';
  let quiet = false;
  for (const a of args) {
    if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (a === '-q' || a === '--quiet') quiet = true;
    else if (MODES[a] !== undefined) mode = MODES[a];
    else {
      process.stderr.write(`nsbox detect-virt: unknown option ${a}\n${USAGE}`);
      return 1;
    }
  }
  const say = (text: string): void => void (quiet || process.stdout.write(`${text}\n`));
  switch (mode) {
    case 'list':
      say(['none', ...VM_IDS, ...CONTAINER_IDS].join('\n'));
      return 0;
    case 'chroot': {
      const r = runningInChroot();
      if (typeof r !== 'boolean') {
        process.stderr.write(`Failed to check for chroot() environment: ${r.code === 'EACCES' ? 'Permission denied' : r.message}\n`);
        return 1;
      }
      return r ? 0 : 1;
    }
    case 'private-users':
      return runningInUserns(gatherUsernsFacts()) ? 0 : 1;
    default: {
      const facts = gatherVirtFacts();
      const container = mode === 'vm' ? 'none' : detectContainer(facts);
      const found = container !== 'none' || mode === 'container' ? container : detectVm(facts);
      say(found);
      return found === 'none' ? 1 : 0;
    }
  }
}
