// `nsbox machinectl`'s command line: machinectl's options, then the verb and its words.
export interface MachinectlOptions {
  readonly legend: boolean;
  readonly quiet: boolean;
  readonly json: boolean;
  readonly uid?: string;
  readonly setenv: readonly string[];
  readonly signal?: string;
  readonly killWhom?: string;
  readonly readOnly: boolean;
  readonly mkdir: boolean;
  readonly force: boolean;
  readonly help: boolean;
}

/** A command line machinectl would refuse; caught by machinectl.ts's main, never thrown past it. */
export class MachinectlUsageError extends Error {}

const WITH_VALUE = new Set(['--uid', '-E', '--setenv', '-s', '--signal', '--kill-whom', '-o', '--output', '--json', '--format', '-n', '--lines']);

export function parseMachinectlArgs(args: readonly string[]): { options: MachinectlOptions; words: string[] } {
  const setenv: string[] = [];
  const o = { legend: true, quiet: false, json: false, setenv, readOnly: false, mkdir: false, force: false, help: false } as {
    -readonly [K in keyof MachinectlOptions]: MachinectlOptions[K];
  };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // Everything after the verb's machine belongs to the command a shell runs.
    if (words.length >= 2 && words[0] === 'shell') {
      words.push(...args.slice(i));
      break;
    }
    if (a === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const key = eq > 0 ? a.slice(0, eq) : a;
    let value: string | undefined;
    if (WITH_VALUE.has(key)) {
      value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) throw new MachinectlUsageError(`option '${key}' requires an argument`);
    }
    switch (key) {
      case '-h': case '--help': o.help = true; break;
      case '--no-legend': o.legend = false; break;
      case '--no-pager': case '--no-ask-password': case '-l': case '--full': case '-n': case '--lines': break;
      case '-q': case '--quiet': o.quiet = true; break;
      case '--uid': o.uid = value!; break;
      case '-E': case '--setenv': setenv.push(value!.includes('=') ? value! : `${value}=${process.env[value!] ?? ''}`); break;
      case '-s': case '--signal': o.signal = value!; break;
      case '--kill-whom': o.killWhom = value!; break;
      case '--read-only': o.readOnly = true; break;
      case '--mkdir': o.mkdir = true; break;
      case '--force': o.force = true; break;
      case '-o': case '--output':
        if (value !== 'json' && value !== 'json-pretty' && value !== 'short') throw new MachinectlUsageError(`Unknown output '${value}'.`);
        o.json = value !== 'short';
        break;
      case '--json':
        if (value !== 'short' && value !== 'pretty' && value !== 'off') throw new MachinectlUsageError(`Unknown argument to --json=: ${value}`);
        o.json = value !== 'off';
        break;
      default:
        throw new MachinectlUsageError(`unrecognized option '${a}'`);
    }
  }
  return { options: o, words };
}
