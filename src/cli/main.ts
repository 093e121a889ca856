// `nsbox VERB ...`: one table from verb to the module that implements it, loaded on demand so a
// verb pays only for its own imports (nspawn's start-up time is part of every container's).
type VerbMain = (args: readonly string[]) => Promise<number>;

const VERBS: Readonly<Record<string, { readonly summary: string; readonly load: () => Promise<VerbMain> }>> = {
  nspawn: { summary: 'Spawn a command or boot an OS tree in a container', load: async () => (await import('./nspawn.js')).main },
  demo: { summary: 'Build a small busybox tree and run it in a container', load: async () => (await import('./demo.js')).main },
  analyze: { summary: 'Check unit files (verify) or show what a service\'s commands will see (plan)', load: async () => (await import('./analyze.js')).main },
};

function usage(): string {
  const lines = ['usage: nsbox VERB [ARGS...]', '', 'Verbs:'];
  for (const [verb, v] of Object.entries(VERBS)) lines.push(`  ${verb.padEnd(10)} ${v.summary}`);
  return lines.join('\n') + '\n';
}

export async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '-h' || verb === '--help') {
    process.stdout.write(usage());
    return verb === undefined ? 1 : 0;
  }
  const entry = VERBS[verb];
  if (!entry) {
    process.stderr.write(`nsbox: unknown verb "${verb}"\n${usage()}`);
    return 1;
  }
  return (await entry.load())(rest);
}
