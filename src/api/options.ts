// The Node API's sandbox options: systemd.exec(5)'s settings in camelCase. They become the lines
// of a service unit, which the unit parser and the sandbox planner read exactly as a unit file's,
// so `run(cmd, { readOnlyPaths: ['/usr'] })` and a unit with `ReadOnlyPaths=/usr` see the same world.
import { NsboxError } from '../errors.js';

type Bool = boolean;
type Paths = readonly string[];

/** One bind: `source:destination` as BindPaths= takes it, or the parts. */
export type BindSpec = string | { readonly source: string; readonly destination?: string; readonly recursive?: boolean; readonly ignoreMissing?: boolean };

export interface SandboxOptions {
  readonly rootDirectory?: string;
  readonly workingDirectory?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly user?: string | number;
  readonly group?: string | number;
  readonly supplementaryGroups?: readonly (string | number)[];
  readonly umask?: number;
  readonly nice?: number;
  readonly readOnlyPaths?: Paths;
  readonly readWritePaths?: Paths;
  readonly inaccessiblePaths?: Paths;
  readonly execPaths?: Paths;
  readonly noExecPaths?: Paths;
  readonly bindPaths?: readonly BindSpec[];
  readonly bindReadOnlyPaths?: readonly BindSpec[];
  /** `/path[:options]`, as TemporaryFileSystem= takes it. */
  readonly temporaryFileSystem?: Paths;
  readonly privateTmp?: Bool;
  readonly privateDevices?: Bool;
  readonly privateNetwork?: Bool;
  readonly privateIPC?: Bool;
  readonly privateUsers?: Bool;
  readonly privateMounts?: Bool;
  readonly protectSystem?: Bool | 'full' | 'strict';
  readonly protectHome?: Bool | 'read-only' | 'tmpfs';
  readonly protectKernelTunables?: Bool;
  readonly protectKernelModules?: Bool;
  readonly protectKernelLogs?: Bool;
  readonly protectControlGroups?: Bool;
  readonly protectClock?: Bool;
  readonly protectHostname?: Bool;
  readonly protectProc?: 'noaccess' | 'invisible' | 'ptraceable' | 'default';
  readonly procSubset?: 'all' | 'pid';
  readonly mountAPIVFS?: Bool;
  readonly capabilityBoundingSet?: readonly string[];
  readonly ambientCapabilities?: readonly string[];
  readonly noNewPrivileges?: Bool;
  /** SystemCallFilter= entries: `@system-service`, `~@mount`, `write` … (each a line of its own). */
  readonly systemCallFilter?: readonly string[];
  readonly systemCallErrorNumber?: string;
  readonly systemCallArchitectures?: readonly string[];
  readonly restrictNamespaces?: Bool | readonly string[];
  readonly restrictAddressFamilies?: readonly string[];
  readonly restrictRealtime?: Bool;
  readonly restrictSUIDSGID?: Bool;
  readonly lockPersonality?: Bool;
  readonly memoryDenyWriteExecute?: Bool;
  /** LimitNOFILE= etc.: `{ NOFILE: 1024, CORE: 0, AS: 'infinity' }` or `'soft:hard'`. */
  readonly limits?: Readonly<Partial<Record<'CPU' | 'FSIZE' | 'DATA' | 'STACK' | 'CORE' | 'RSS' | 'NOFILE' | 'AS' | 'NPROC' | 'MEMLOCK' | 'LOCKS' | 'SIGPENDING' | 'MSGQUEUE' | 'NICE' | 'RTPRIO' | 'RTTIME', number | string>>>;
}

/** An option the unit parser or the planner refused, named as the caller wrote it. */
export class SandboxOptionError extends NsboxError {
  readonly code = 'SANDBOX_OPTION';
  constructor(readonly option: string, readonly detail: string) {
    super(`${option}: ${detail}`);
    this.name = 'SandboxOptionError';
  }
}

/** camelCase option -> the directive it is, where the name is not just the PascalCase of it. */
const DIRECTIVE_NAMES: Readonly<Record<string, string>> = {
  umask: 'UMask', privateIPC: 'PrivateIPC', mountAPIVFS: 'MountAPIVFS', restrictSUIDSGID: 'RestrictSUIDSGID', protectProc: 'ProtectProc',
};
export const directiveOf = (option: string): string => DIRECTIVE_NAMES[option] ?? option.charAt(0).toUpperCase() + option.slice(1);

/**
 * A word of a unit file value, quoted where it needs to be so the parser reads it back unchanged:
 * specifiers (`%`) doubled, and in command lines `$` doubled too (no variable expansion).
 */
export function quoteWord(word: string, option: string, command = false): string {
  if (/[\n\r\0]/.test(word)) throw new SandboxOptionError(option, `${JSON.stringify(word)}: a newline or NUL cannot be passed`);
  let text = word.replace(/%/g, '%%');
  if (command) text = text.replace(/\$/g, '$$$$');
  if (word === '' || /[\s"'\\;]/.test(word)) text = `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return text;
}

/** Every option SandboxOptions has, for callers in plain JavaScript whose misspellings TypeScript does not catch. */
export const SANDBOX_OPTION_NAMES: ReadonlySet<string> = new Set([
  'rootDirectory', 'workingDirectory', 'environment', 'user', 'group', 'supplementaryGroups', 'umask', 'nice', 'readOnlyPaths',
  'readWritePaths', 'inaccessiblePaths', 'execPaths', 'noExecPaths', 'bindPaths', 'bindReadOnlyPaths', 'temporaryFileSystem',
  'privateTmp', 'privateDevices', 'privateNetwork', 'privateIPC', 'privateUsers', 'privateMounts', 'protectSystem', 'protectHome',
  'protectKernelTunables', 'protectKernelModules', 'protectKernelLogs', 'protectControlGroups', 'protectClock', 'protectHostname',
  'protectProc', 'procSubset', 'mountAPIVFS', 'capabilityBoundingSet', 'ambientCapabilities', 'noNewPrivileges', 'systemCallFilter',
  'systemCallErrorNumber', 'systemCallArchitectures', 'restrictNamespaces', 'restrictAddressFamilies', 'restrictRealtime',
  'restrictSUIDSGID', 'lockPersonality', 'memoryDenyWriteExecute', 'limits',
] satisfies readonly (keyof SandboxOptions)[]);

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function bindLine(spec: BindSpec, option: string): string {
  const parts = typeof spec === 'string' ? undefined : [spec.source, spec.destination ?? spec.source];
  // BindPaths= separates with ':'; a path holding one cannot be said there.
  if (parts?.some((p) => p.includes(':'))) throw new SandboxOptionError(option, `${JSON.stringify(spec)}: a path with ':' cannot be bound`);
  if (typeof spec === 'string') return quoteWord(spec, option);
  return quoteWord(`${spec.ignoreMissing ? '-' : ''}${spec.source}:${spec.destination ?? spec.source}${spec.recursive === false ? ':norbind' : ''}`, option);
}

/** Each option's directive lines, in a stable order, with the option each line came from. */
export function directiveLines(o: SandboxOptions): { option: string; line: string }[] {
  const out: { option: string; line: string }[] = [];
  const add = (option: string, value: string): void => void out.push({ option, line: `${directiveOf(option)}=${value}` });
  for (const [option, value] of Object.entries(o) as [keyof SandboxOptions, unknown][]) {
    if (value === undefined) continue;
    if (!SANDBOX_OPTION_NAMES.has(option)) throw new SandboxOptionError(option, 'not a sandbox option');
    switch (option) {
      case 'environment':
        for (const [k, v] of Object.entries(value as Record<string, string>)) add(option, quoteWord(`${k}=${v}`, option));
        break;
      case 'limits':
        for (const [k, v] of Object.entries(value as Record<string, number | string>)) out.push({ option: `limits.${k}`, line: `Limit${k}=${v}` });
        break;
      case 'bindPaths': case 'bindReadOnlyPaths':
        for (const spec of value as readonly BindSpec[]) add(option, bindLine(spec, option));
        break;
      case 'systemCallFilter':
        for (const entry of value as readonly string[]) add(option, entry);
        break;
      case 'umask':
        add(option, (value as number).toString(8).padStart(4, '0'));
        break;
      default:
        if (typeof value === 'boolean') add(option, yesNo(value));
        else if (typeof value === 'number') add(option, String(value));
        else if (typeof value === 'string') add(option, quoteWord(value, option));
        else if (Array.isArray(value)) add(option, value.map((w: string | number) => quoteWord(String(w), option)).join(' '));
        else throw new SandboxOptionError(option, `unexpected value ${JSON.stringify(value)}`);
    }
  }
  return out;
}
