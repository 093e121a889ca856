// The command line of `nsbox analyze security`, with systemd-analyze's option names and forms.
import { parseBoolean } from '../unit/values.js';

export class SecurityUsageError extends Error {}

export interface SecurityArgs {
  readonly offline: boolean;
  readonly root?: string;
  readonly profile?: string;
  /** Tenths, as systemd-analyze takes it: 0..100; default 100 (never exceeded). */
  readonly threshold: number;
  readonly json: 'off' | 'short' | 'pretty';
  readonly securityPolicy?: string;
  readonly explain: boolean;
  readonly suggest: boolean;
  /** With --suggest: write the drop-in (the path, or the default below /etc/systemd/system). */
  readonly write?: string | true;
  readonly operands: readonly string[];
}


export function parseSecurityArgs(argv: readonly string[]): SecurityArgs {
  const values: Record<string, string | undefined> = {};
  const flags = new Set<string>();
  const operands: string[] = [];
  const TAKES_VALUE = new Set(['offline', 'root', 'profile', 'threshold', 'json', 'security-policy']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      if (a.startsWith('-') && a !== '-') throw new SecurityUsageError(`unknown option ${a}`);
      operands.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = a.slice(2, eq < 0 ? undefined : eq);
    if (TAKES_VALUE.has(key)) {
      const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (value === undefined) throw new SecurityUsageError(`--${key} needs a value`);
      values[key] = value;
    } else if (key === 'write') values['write'] = eq < 0 ? '' : a.slice(eq + 1);
    else if (key === 'explain' || key === 'suggest') flags.add(key);
    else throw new SecurityUsageError(`unknown option --${key}`);
  }
  let offline = false;
  try {
    offline = values['offline'] === undefined ? false : parseBoolean(values['offline']);
  } catch {
    throw new SecurityUsageError(`--offline= takes a boolean, not "${values['offline']}"`);
  }
  const thresholdText = values['threshold'] ?? '100';
  const threshold = /^\d+$/.test(thresholdText) ? Number(thresholdText) : NaN;
  if (!(threshold >= 0 && threshold <= 100)) throw new SecurityUsageError(`--threshold= takes 0..100, not "${thresholdText}"`);
  const json = values['json'] ?? 'off';
  if (json !== 'off' && json !== 'short' && json !== 'pretty') throw new SecurityUsageError(`--json= takes short, pretty or off, not "${json}"`);
  if (values['root'] === '') throw new SecurityUsageError('--root needs a directory');
  if (json !== 'off' && (flags.has('explain') || flags.has('suggest'))) throw new SecurityUsageError('--explain and --suggest print text, not JSON');
  if (values['write'] !== undefined && !flags.has('suggest')) throw new SecurityUsageError('--write only goes with --suggest');
  const write = values['write'];
  return {
    offline, threshold, json, explain: flags.has('explain'), suggest: flags.has('suggest'), operands,
    ...(values['root'] !== undefined ? { root: values['root'] } : {}),
    ...(values['profile'] !== undefined ? { profile: values['profile'] } : {}),
    ...(values['security-policy'] !== undefined ? { securityPolicy: values['security-policy'] } : {}),
    ...(write !== undefined ? { write: write === '' ? (true as const) : write } : {}),
  };
}
