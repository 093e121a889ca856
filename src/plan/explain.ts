// explainPlan(): what the sandboxed process will see, as a tree of paths, plus its process
// settings. It replays the ops on a model of the mount table (no system access), so the tree
// shows the end state the helper builds: each mount with where it comes from and its final
// flags after every remount round, and the files the ops create.
import type { MountFlags, Op, Plan } from './types.js';
import { ALL_CAPABILITIES, capabilityName } from './capabilities.js';
import { assertNever } from '../assert-never.js';

interface Flags { ro: boolean; nosuid: boolean; nodev: boolean; noexec: boolean }

interface Node {
  /** What is at this path: a mount, a created file, or hidden. */
  what: string;
  mount: boolean;
  flags?: Flags;
  optional?: boolean;
}

const noFlags = (): Flags => ({ ro: false, nosuid: false, nodev: false, noexec: false });

function applyFlags(f: Flags, m: MountFlags): Flags {
  return {
    ro: m.readOnly ?? f.ro, nosuid: m.nosuid ?? f.nosuid, nodev: m.nodev ?? f.nodev, noexec: m.noexec ?? f.noexec,
  };
}

const isUnder = (path: string, prefix: string): boolean =>
  prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);

/** Flags a new bind inherits: those of the nearest mount at or above the source (inside the root). */
function inheritedFlags(nodes: Map<string, Node>, path: string): Flags {
  let best: [string, Node] | undefined;
  for (const [p, n] of nodes) if (n.mount && isUnder(path, p) && (!best || p.length > best[0].length)) best = [p, n];
  return { ...(best?.[1].flags ?? noFlags()) };
}

function replay(plan: Plan): Map<string, Node> {
  const nodes = new Map<string, Node>();
  nodes.set('/', { what: plan.root ? `host ${plan.root}` : 'host /', mount: true, flags: noFlags() });
  const mount = (path: string, what: string, flags: Flags, optional = false): void => {
    // A new mount hides whatever was listed below its path.
    for (const p of [...nodes.keys()]) if (p !== path && isUnder(p, path)) nodes.delete(p);
    nodes.set(path, { what, mount: true, flags, ...(optional ? { optional } : {}) });
  };
  const file = (path: string, what: string): void => { nodes.set(path, { what, mount: false }); };
  const opts = (m: MountFlags): Flags => applyFlags(noFlags(), m);
  for (const op of plan.ops) explainOp(op, nodes, mount, file, opts);
  return nodes;
}

function explainOp(
  op: Op, nodes: Map<string, Node>,
  mount: (path: string, what: string, flags: Flags, optional?: boolean) => void,
  file: (path: string, what: string) => void, opts: (m: MountFlags) => Flags,
): void {
  switch (op.kind) {
    case 'bind': {
      const from = op.source.in === 'host' ? `host ${op.source.path}` : op.source.path === op.target.path ? 'itself' : op.source.path;
      // A bind keeps its source mount's flags; a host source's are unknown here, so only the op's show.
      const flags = applyFlags(op.source.in === 'root' ? inheritedFlags(nodes, op.source.path) : noFlags(), op.flags);
      mount(op.target.path, `bind from ${from}${op.recursive ? ' (with submounts)' : ''}`, flags, op.optional);
      return;
    }
    case 'mount-point': {
      // Already a mount in the model: nothing happens, the remount rounds change it in place.
      const n = nodes.get(op.target.path);
      if (n?.mount) return;
      // The model cannot know the host's own mount points: the helper binds only where none is.
      mount(op.target.path, 'bind from itself (with submounts), unless a mount point already', inheritedFlags(nodes, op.target.path), op.optional);
      return;
    }
    case 'remount': {
      // Excluded submounts (systemd's deny list) keep their flags, and so does all below them.
      const spared = (p: string): boolean => p !== op.target.path && (op.exclude ?? []).some((x) => isUnder(p, x.path));
      for (const [p, n] of nodes) {
        if (!n.mount || spared(p)) continue;
        if (p === op.target.path || (op.recursive && isUnder(p, op.target.path))) n.flags = applyFlags(n.flags ?? noFlags(), op.flags);
      }
      return;
    }
    case 'tmpfs': {
      const size = op.sizeBytes !== undefined ? `, size ${op.sizeBytes}` : '';
      mount(op.target.path, `tmpfs, mode ${op.mode.toString(8).padStart(4, '0')}${size}`, opts(op.flags));
      return;
    }
    case 'proc':
      mount(op.target.path, `proc (fresh)${op.hidepid ? `, hidepid=${op.hidepid}` : ''}${op.subset ? `, subset=${op.subset}` : ''}`, opts(op.flags));
      return;
    case 'sysfs': mount(op.target.path, 'sysfs (fresh)', opts(op.flags)); return;
    case 'devpts': mount(op.target.path, 'devpts (fresh)', opts(op.flags)); return;
    case 'mqueue': mount(op.target.path, 'mqueue (fresh)', opts(op.flags)); return;
    case 'cgroup2': mount(op.target.path, 'cgroup2 (fresh)', opts(op.flags)); return;
    case 'overlay': mount(op.target.path, `overlay of ${op.lower.map((l) => l.path).join(', ')}`, opts(op.flags)); return;
    case 'inaccessible': mount(op.target.path, 'INACCESSIBLE', { ...noFlags(), ro: true }, op.optional); return;
    case 'mkdir': if (!nodes.has(op.path.path)) file(op.path.path, `directory, mode ${op.mode.toString(8)}`); return;
    case 'symlink': file(op.path.path, `symlink -> ${op.linkTarget}`); return;
    case 'write-file': file(op.path.path, `file (${op.content.length} bytes), mode ${op.mode.toString(8)}`); return;
    case 'mknod': file(op.path.path, `${op.type} device ${op.major}:${op.minor}, mode ${op.mode.toString(8).padStart(4, '0')}`); return;
    case 'chmod': { const n = nodes.get(op.path.path); if (n) n.what += `, chmod ${op.mode.toString(8)}`; return; }
    case 'propagation': return;
    case 'bind-console': mount(op.target.path, 'the console pty', noFlags()); return;
    case 'bind-content': mount(op.target.path, `a ${op.content.length}-byte file of its own, mode ${op.mode.toString(8).padStart(4, '0')}`, opts(op.flags)); return;
    case 'switch-root': return;
    default: assertNever(op);
  }
}

const flagText = (f: Flags | undefined): string => {
  if (!f) return '';
  const words = [f.ro ? 'read-only' : 'read-write', f.noexec ? 'noexec' : '', f.nosuid ? 'nosuid' : '', f.nodev ? 'nodev' : ''];
  return words.filter((w) => w !== '').join(' ');
};

/** Renders paths as a tree: each line is the last component under its nearest listed parent. */
function renderTree(nodes: Map<string, Node>): string[] {
  const paths = [...nodes.keys()].sort((a, b) => (a === '/' ? -1 : b === '/' ? 1 : a.split('/').join('\0') < b.split('/').join('\0') ? -1 : 1));
  const parentOf = (p: string): string => {
    let best = '/';
    for (const q of paths) if (q !== p && isUnder(p, q) && q.length > best.length) best = q;
    return best;
  };
  const children = new Map<string, string[]>();
  for (const p of paths) if (p !== '/') children.set(parentOf(p), [...(children.get(parentOf(p)) ?? []), p]);
  const lines: string[] = [];
  const width = 34;
  const walk = (p: string, prefix: string, connector: string, label: string): void => {
    const n = nodes.get(p) as Node;
    const head = `${prefix}${connector}${label}`;
    const detail = n.mount ? `${flagText(n.flags).padEnd(30)} ${n.what}${n.optional ? ' (if present)' : ''}` : n.what;
    lines.push(`${head.padEnd(width)} ${detail}`.trimEnd());
    const kids = children.get(p) ?? [];
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      const childPrefix = connector === '' ? '' : prefix + (connector.startsWith('└') ? '   ' : '│  ');
      walk(k, childPrefix, last ? '└─ ' : '├─ ', p === '/' ? k.slice(1) : k.slice(p.length + 1));
    });
  };
  walk('/', '', '', '/');
  return lines;
}

const caps = (set: readonly number[]): string => {
  if (set.length === ALL_CAPABILITIES.length) return 'all';
  if (set.length === 0) return 'none';
  if (set.length > ALL_CAPABILITIES.length / 2) {
    return `all but ${ALL_CAPABILITIES.filter((c) => !set.includes(c)).map(capabilityName).join(' ')}`;
  }
  return set.map(capabilityName).join(' ');
};

function processLines(plan: Plan): string[] {
  const p = plan.process;
  const row = (k: string, v: string): string => `  ${k.padEnd(14)} ${v}`;
  const out = [
    row('executable', p.executable ?? p.argv[0] ?? ''),
    row('argv', JSON.stringify(p.argv)),
    row('cwd', p.cwdOptional ? `${p.cwd} (or / if missing)` : p.cwd),
    row('user', p.credentials ? `uid ${p.credentials.uid}, gid ${p.credentials.gid}, groups ${p.credentials.supplementaryGroups.join(',') || 'none'}` : 'unchanged (root)'),
  ];
  if (p.umask !== undefined) out.push(row('umask', p.umask.toString(8).padStart(4, '0')));
  if (p.capabilities) {
    out.push(row('capabilities', `bounding ${caps(p.capabilities.bounding)}`));
    out.push(row('', `effective ${caps(p.capabilities.effective)}; ambient ${caps(p.capabilities.ambient)}`));
  } else out.push(row('capabilities', 'unchanged'));
  if (p.noNewPrivileges) out.push(row('no_new_privs', 'yes'));
  for (const program of p.seccompFilters ?? []) out.push(row('seccomp', `filter of ${program.length / 8} BPF instructions`));
  for (const [name, v] of Object.entries(p.rlimits ?? {})) {
    const show = (x: number | null): string => (x === null ? 'infinity' : String(x));
    out.push(row(`limit ${name}`, `${show(v.soft)}:${show(v.hard)}`));
  }
  if (p.nice !== undefined) out.push(row('nice', String(p.nice)));
  if (p.oomScoreAdjust !== undefined) out.push(row('oom adjust', String(p.oomScoreAdjust)));
  if (p.cpuAffinity !== undefined) out.push(row('cpu affinity', p.cpuAffinity.join(' ')));
  if (p.hostname !== undefined) out.push(row('hostname', p.hostname));
  out.push(row('environment', p.env.length === 0 ? '(empty)' : p.env[0] as string));
  for (const e of p.env.slice(1)) out.push(row('', e));
  return out;
}

export function explainPlan(plan: Plan): string {
  const ns = plan.namespaces.length > 0 ? plan.namespaces.join(', ') : 'none (shares the host\'s)';
  const lines = [
    `Namespaces: ${ns}${plan.pidMode !== 'none' ? `; new PID namespace (${plan.pidMode})` : ''}`,
    `Root: ${plan.root ?? '/ (the host\'s)'}`,
    '',
  ];
  if (!plan.namespaces.includes('mount') && plan.ops.length === 0) {
    lines.push('File system: the host\'s, unchanged');
  } else {
    lines.push('File system, as the process sees it:');
    lines.push(...renderTree(replay(plan)).map((l) => `  ${l}`));
  }
  lines.push('', 'Process:', ...processLines(plan));
  return `${lines.join('\n')}\n`;
}

/** What a command would find at `path` in the plan's end state (--suggest checks paths a service needs). */
export interface PathAccess {
  /** Made inaccessible, or covered by a fresh file system that replaces what was there. */
  readonly hidden: boolean;
  readonly readOnly: boolean;
}

const FRESH = /^(tmpfs|INACCESSIBLE)/;

export function pathAccess(plan: Plan, path: string): PathAccess {
  const nodes = replay(plan);
  let nearest: [string, Node] | undefined;
  for (const entry of nodes) {
    const [p, n] = entry;
    if (isUnder(path, p) && (n.mount || p === path) && (!nearest || p.length > nearest[0].length)) nearest = entry;
  }
  const [at, node] = nearest ?? ['/', { what: 'host /', mount: true, flags: noFlags() }];
  const hidden = node.what === 'INACCESSIBLE' || (node.mount && at !== path && FRESH.test(node.what));
  return { hidden, readOnly: node.flags?.ro ?? inheritedFlags(nodes, path).ro };
}
