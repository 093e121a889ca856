// `nsbox VERB ...`: one table from verb to the module that implements it, loaded on demand so a
// verb pays only for its own imports (nspawn's start-up time is part of every container's).
import { VERBS, type Verb } from './verbs.js';
import { VERSION } from '../version.js';

type VerbMain = (args: readonly string[]) => Promise<number>;

// Literal import() paths, so the bundler can keep each verb in a file of its own.
const LOADERS: Readonly<Record<Verb, () => Promise<VerbMain>>> = {
  nspawn: async () => (await import('./nspawn.js')).main,
  demo: async () => (await import('./demo.js')).main,
  analyze: async () => (await import('./analyze.js')).main,
  'detect-virt': async () => (await import('./detect-virt.js')).main,
  daemon: async () => (await import('./daemon.js')).main,
  systemctl: async () => (await import('./systemctl.js')).main,
  journalctl: async () => (await import('./journalctl.js')).main,
  machinectl: async () => (await import('./machinectl.js')).main,
};

const isVerb = (word: string): word is Verb => Object.hasOwn(LOADERS, word);

function usage(): string {
  const lines = ['usage: nsbox VERB [ARGS...]', '       nsbox --version', '', 'Verbs:'];
  for (const [verb, summary] of Object.entries(VERBS)) lines.push(`  ${verb.padEnd(10)} ${summary}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--version' || verb === '-V') {
    process.stdout.write(`nsbox ${VERSION} (systemd 252 compatible)\n`);
    return 0;
  }
  if (verb === undefined || verb === '-h' || verb === '--help') {
    process.stdout.write(usage());
    return verb === undefined ? 1 : 0;
  }
  if (!isVerb(verb)) {
    process.stderr.write(`nsbox: unknown verb "${verb}"\n${usage()}`);
    return 1;
  }
  return (await LOADERS[verb]())(rest);
}
