// A plan's shape, checked before it is encoded: TypeScript keeps typed callers right, but a plan
// built in plain JavaScript (or read from JSON) can miss a field or misspell a value, and would
// otherwise fail deep in the encoder (`Cannot convert undefined to a BigInt`) or in the helper
// (`open root: Invalid argument`). Every refusal names the field, as `plan.ops[2].target`.
import { InvalidPlanError } from '../errors.js';

const NAMESPACES = new Set(['mount', 'uts', 'ipc', 'net', 'cgroup', 'user']);
const PID_MODES = new Set(['none', 'payload-is-pid1', 'reaper']);
const TERMINALS = new Set(['inherit', 'new-session', 'controlling-tty']);
const OP_KINDS = new Set([
  'bind', 'mount-point', 'remount', 'tmpfs', 'proc', 'sysfs', 'devpts', 'mqueue', 'cgroup2', 'inaccessible', 'overlay', 'mkdir',
  'symlink', 'write-file', 'mknod', 'chmod', 'propagation', 'bind-console', 'bind-content', 'switch-root',
]);
/** Fields of an op that hold a path inside the new root. */
const ROOT_PATH_FIELDS = ['target', 'path'];
const NUMBER_FIELDS = ['mode', 'major', 'minor', 'ptmxMode', 'gid', 'sizeBytes'];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(field: string, message: string): never {
  throw new InvalidPlanError(message, field);
}

function object(v: unknown, field: string): Obj {
  if (!isObject(v)) fail(field, `expected an object, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
  return v;
}

function strings(v: unknown, field: string, o: { nonEmpty?: boolean } = {}): readonly string[] {
  if (!Array.isArray(v)) fail(field, 'expected an array of strings');
  v.forEach((s, i) => typeof s !== 'string' && fail(`${field}[${i}]`, 'expected a string'));
  if (o.nonEmpty === true && v.length === 0) fail(field, 'must not be empty');
  return v as string[];
}

function path(v: unknown, field: string, allowed: readonly ('root' | 'host')[]): void {
  if (typeof v === 'string') fail(field, `expected ${allowed.map((a) => `${a}Path(${JSON.stringify(v)})`).join(' or ')}, not a bare string`);
  const p = object(v, field);
  if (!allowed.includes(p['in'] as 'root' | 'host')) {
    fail(field, `expected ${allowed.map((a) => `${a}Path(...)`).join(' or ')} (an object { in: ${allowed.map((a) => `'${a}'`).join(' | ')}, path })`);
  }
  if (typeof p['path'] !== 'string' || !p['path'].startsWith('/')) fail(`${field}.path`, 'expected an absolute path');
}

function op(v: unknown, field: string): void {
  const o = object(v, field);
  if (typeof o['kind'] !== 'string' || !OP_KINDS.has(o['kind'])) fail(`${field}.kind`, `unknown op ${JSON.stringify(o['kind'])}; one of ${[...OP_KINDS].join(', ')}`);
  for (const f of ROOT_PATH_FIELDS) if (f in o || (f === 'target' && o['kind'] !== 'switch-root' && !('path' in o))) path(o[f], `${field}.${f}`, ['root']);
  if ('source' in o || o['kind'] === 'bind') path(o['source'], `${field}.source`, ['root', 'host']);
  if ('lower' in o) (Array.isArray(o['lower']) ? o['lower'] : fail(`${field}.lower`, 'expected an array')).forEach((l, i) => path(l, `${field}.lower[${i}]`, ['root', 'host']));
  // A propagation op's mode is a word (private, slave, shared); every other mode is a number.
  for (const f of NUMBER_FIELDS) if (f in o && o[f] !== undefined && !(f === 'mode' && o['kind'] === 'propagation') && !Number.isInteger(o[f])) fail(`${field}.${f}`, 'expected an integer');
  if ('flags' in o && o['flags'] !== undefined) object(o['flags'], `${field}.flags`);
  if ('content' in o && !(o['content'] instanceof Uint8Array)) fail(`${field}.content`, 'expected a Uint8Array');
}

/** Throws InvalidPlanError naming the first field that is not what a Plan holds. */
export function validatePlan(plan: unknown): void {
  const p = object(plan, 'plan');
  strings(p['namespaces'], 'plan.namespaces').forEach((n, i) => {
    if (n === 'pid') fail(`plan.namespaces[${i}]`, "'pid' comes from pidMode, not the namespace list");
    if (!NAMESPACES.has(n)) fail(`plan.namespaces[${i}]`, `unknown namespace ${JSON.stringify(n)}; one of ${[...NAMESPACES].join(', ')}`);
  });
  if (typeof p['pidMode'] !== 'string' || !PID_MODES.has(p['pidMode'])) fail('plan.pidMode', `one of ${[...PID_MODES].join(', ')}`);
  if (p['root'] !== undefined && (typeof p['root'] !== 'string' || !p['root'].startsWith('/'))) fail('plan.root', 'expected an absolute host path');
  if (!Array.isArray(p['ops'])) fail('plan.ops', 'expected an array of ops');
  p['ops'].forEach((o, i) => op(o, `plan.ops[${i}]`));
  const proc = object(p['process'], 'plan.process');
  strings(proc['argv'], 'plan.process.argv', { nonEmpty: true });
  strings(proc['env'], 'plan.process.env').forEach((e, i) => !e.includes('=') && fail(`plan.process.env[${i}]`, 'expected NAME=value'));
  if (typeof proc['cwd'] !== 'string' || !proc['cwd'].startsWith('/')) fail('plan.process.cwd', 'expected an absolute path');
  const terminal = object(proc['terminal'], 'plan.process.terminal');
  if (!TERMINALS.has(terminal['kind'] as string)) fail('plan.process.terminal.kind', `one of ${[...TERMINALS].join(', ')}`);
  if (proc['executable'] !== undefined && typeof proc['executable'] !== 'string') fail('plan.process.executable', 'expected a string');
  if (proc['credentials'] !== undefined) {
    const c = object(proc['credentials'], 'plan.process.credentials');
    for (const f of ['uid', 'gid']) if (!Number.isInteger(c[f])) fail(`plan.process.credentials.${f}`, 'expected an integer');
  }
}
