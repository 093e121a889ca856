// The verbs of `nsbox`, once: main.ts maps each to its module (the compiler checks it covers
// exactly these), and tools/bundle.mjs makes one bundle file per verb from this same list.
export const VERBS = {
  nspawn: 'Spawn a command or boot an OS tree in a container',
  demo: 'Build a small busybox tree and run it in a container',
  analyze: 'Check unit files (verify) or show what a service\'s commands will see (plan)',
  'detect-virt': 'Detect whether this runs in a container, a VM or a chroot',
  daemon: 'Run the service manager in the foreground',
  systemctl: 'Start, stop and inspect services of the running manager',
  journalctl: 'Query the manager\'s journal',
  machinectl: 'List, enter and stop running containers; manage images',
} as const;

export type Verb = keyof typeof VERBS;
export const VERB_NAMES = Object.keys(VERBS) as Verb[];
