// The facts Condition*=/Assert*= are decided on (unit/conditions.ts decides): what each named path
// is, what a glob matches, the virtualization systemd-detect-virt sees, the host's names, the
// kernel command line, and the manager's own environment and credentials. Read at start, as
// systemd reads them when the start job runs.
import { accessSync, constants, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { conditionTest, PATH_TESTS, type ConditionFacts, type PathFacts } from '../unit/conditions.js';
import { fnmatch } from '../unit/fnmatch.js';
import type { Condition } from '../unit/settings.js';
import { splitWords } from '../unit/words.js';
import { detectContainer, detectVm, runningInUserns } from '../virt/detect.js';
import { gatherUsernsFacts, gatherVirtFacts } from '../virt/facts.js';
import { lookupGroup, lookupUser } from '../sandbox/credentials.js';
import { readUserDatabase } from './user-db.js';

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Mount points with their options (per-mount and super block), longest first. */
function mounts(): { point: string; readOnly: boolean }[] {
  return (read('/proc/self/mountinfo') ?? '').split('\n').filter(Boolean).map((line) => {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    const point = fields[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const opts = [...(fields[5] ?? '').split(','), ...(fields[dash + 3] ?? '').split(',')];
    return { point, readOnly: opts.includes('ro') };
  }).sort((a, b) => b.point.length - a.point.length);
}

/** Hidden files and package managers' backups do not make a directory "not empty" (systemd's hidden_or_backup_file). */
const HIDDEN_OR_BACKUP = /^\.|~$|\.(rpmnew|rpmsave|rpmorig|dpkg-old|dpkg-new|dpkg-tmp|dpkg-dist|dpkg-bak|dpkg-backup|dpkg-remove|ucf-new|ucf-old|ucf-dist|swp|bak|old|new)$/;

function pathFacts(path: string, mountTable: ReturnType<typeof mounts>): PathFacts {
  const st = (() => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  })();
  let symlink = false;
  try {
    symlink = lstatSync(path).isSymbolicLink();
  } catch {
    // missing
  }
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // keep the path as named
  }
  let isMount = false;
  let readWrite = false;
  if (st) {
    // A mount point: its device differs from its parent's, or mountinfo lists it (a bind of the same file system).
    try {
      const parent = statSync(dirname(real));
      isMount = real === '/' || parent.dev !== st.dev || mountTable.some((m) => m.point === real);
    } catch {
      isMount = mountTable.some((m) => m.point === real);
    }
    const m = mountTable.find((x) => x.point === '/' || real === x.point || real.startsWith(`${x.point}/`));
    readWrite = m === undefined ? true : !m.readOnly;
  }
  let directoryNotEmpty = false;
  if (st?.isDirectory()) {
    try {
      directoryNotEmpty = readdirSync(path).some((n) => !HIDDEN_OR_BACKUP.test(n));
    } catch (e) {
      // systemd: an error other than "missing" or "not a directory" counts as not empty.
      directoryNotEmpty = !['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');
    }
  }
  let executable = false;
  if (st?.isFile()) {
    try {
      accessSync(path, constants.X_OK);
      executable = (st.mode & 0o111) !== 0;
    } catch {
      executable = false;
    }
  }
  return {
    exists: st !== undefined, directory: st?.isDirectory() ?? false, symlink, mountPoint: isMount, readWrite,
    directoryNotEmpty, fileNotEmpty: (st?.isFile() ?? false) && st!.size > 0, executable,
  };
}

/** glob(3) without GLOB_PERIOD: whether the pattern matches any existing path. */
function globMatches(pattern: string): boolean {
  const parts = pattern.split('/').filter(Boolean);
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) return true;
    const part = parts[i]!;
    const at = (name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
    if (!/[*?[]/.test(part)) {
      try {
        lstatSync(at(part));
      } catch {
        return false;
      }
      return walk(at(part), i + 1);
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return false;
    }
    return names.some((n) => (!n.startsWith('.') || part.startsWith('.')) && fnmatch(part, n) && walk(at(n), i + 1));
  };
  return pattern.startsWith('/') && walk('/', 0);
}

/** ConditionNeedsUpdate=: /usr changed after DIR/.updated was written (systemd compares the mtimes). */
function needsUpdate(dir: string, mountTable: ReturnType<typeof mounts>): boolean {
  const m = mountTable.find((x) => x.point === '/' || dir === x.point || dir.startsWith(`${x.point}/`));
  if (m?.readOnly) return false;
  let usr: bigint;
  try {
    usr = statSync('/usr/', { bigint: true }).mtimeNs;
  } catch {
    return true;
  }
  try {
    return usr > statSync(`${dir}/.updated`, { bigint: true }).mtimeNs;
  } catch {
    return true;
  }
}

/** The facts the conditions in `lists` need. */
export function gatherConditionFacts(...lists: readonly (readonly Condition[])[]): ConditionFacts {
  const all = lists.flat();
  const tests = new Set(all.map((c) => conditionTest(c.kind)));
  const mountTable = all.some((c) => PATH_TESTS.has(conditionTest(c.kind)) || conditionTest(c.kind) === 'NeedsUpdate') ? mounts() : [];
  const paths = new Map<string, PathFacts>();
  const globs = new Map<string, boolean>();
  const updates = new Map<string, boolean>();
  for (const c of all) {
    const t = conditionTest(c.kind);
    if (PATH_TESTS.has(t) && !paths.has(c.value)) paths.set(c.value, pathFacts(c.value, mountTable));
    if (t === 'PathExistsGlob' && !globs.has(c.value)) globs.set(c.value, globMatches(c.value));
    if (t === 'NeedsUpdate' && !updates.has(c.value)) updates.set(c.value, needsUpdate(c.value, mountTable));
  }
  const cmdline = tests.has('KernelCommandLine') || tests.has('FirstBoot') ? splitWords((read('/proc/cmdline') ?? '').trim(), { unquote: true }) : [];
  let container = 'none';
  let vm = 'none';
  let privateUsers = false;
  if (tests.has('Virtualization')) {
    const v = gatherVirtFacts();
    container = detectContainer(v);
    vm = container === 'none' ? detectVm(v) : 'none';
    privateUsers = runningInUserns(gatherUsernsFacts());
  }
  const db = tests.has('User') || tests.has('Group') ? readUserDatabase('/') : undefined;
  const userIds = new Map<string, number>();
  const groupIds = new Map<string, number>();
  for (const c of all) {
    if (db && conditionTest(c.kind) === 'User') {
      const u = lookupUser(db, c.value);
      if (u) userIds.set(c.value, u.uid);
    }
    if (db && conditionTest(c.kind) === 'Group') {
      const g = lookupGroup(db, c.value);
      if (g) groupIds.set(c.value, g.gid);
    }
  }
  const uid = process.getuid?.() ?? 0;
  const firstBootArg = cmdline.find((w) => w.startsWith('systemd.condition-first-boot='));
  const firstBoot = firstBootArg !== undefined ? /^(1|yes|y|true|t|on)$/i.test(firstBootArg.split('=')[1] ?? '') : existsQuiet('/run/systemd/first-boot');
  return {
    paths, globs, needsUpdate: updates, container, vm, privateUsers,
    hostname: hostname(),
    machineId: (read('/etc/machine-id') ?? '').trim().toLowerCase(),
    kernelCommandLine: cmdline,
    environment: Object.entries(process.env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`])),
    uid, euid: process.geteuid?.() ?? uid, gid: process.getgid?.() ?? 0, egid: process.getegid?.() ?? 0,
    groups: process.getgroups?.() ?? [],
    userIds, groupIds,
    userName: (db ? lookupUser(db, String(uid))?.name : undefined) ?? (uid === 0 ? 'root' : String(uid)),
    firstBoot,
  };
}

function existsQuiet(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
