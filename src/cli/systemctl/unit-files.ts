// The unit-file verbs: enable, disable, reenable, preset, mask, unmask, is-enabled,
// list-unit-files. They work on the files of the root they run in (--root=DIR, a chroot's own /)
// without the manager, as systemctl 252 does client-side; unit/install.ts decides, the edge
// (service/enablement.ts) reads and writes; here only wording and exit codes. After a change, a
// running manager reloads (as systemctl's daemon-reload after enable), unless --no-reload.
import { resolve } from 'node:path';
import { applyInstallChanges, readUnitFileTree } from '../../service/enablement.js';
import {
  compareUnitFiles, countsAsEnabled, globMatch, listUnitFiles as listFiles, planDisable, planEnable, planMask, planPreset, planReenable, planUnmask,
  presetOf, showsPreset, unitFileState, type InstallChange, type InstallError, type UnitFileTree,
} from '../../unit/install.js';
import { jobs } from './jobs.js';
import type { VerbContext } from './options.js';
import { formatTable } from '../table.js';

const NO_INSTALL_INFO = `The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
Alias= settings in the [Install] section, and DefaultInstance= for template
units). This means they are not meant to be enabled using systemctl.
 
Possible reasons for having this kind of units are:
• A unit may be statically enabled by being symlinked from another unit's
  .wants/ or .requires/ directory.
• A unit's purpose may be to act as a helper for some other unit which has
  a requirement dependency on it.
• A unit may be started when needed via activation (socket, path, timer,
  D-Bus, udev, scripted systemctl call, ...).
• In case of template units, the unit is meant to be enabled with some
  instance name specified.
`;

const rootOf = (ctx: VerbContext): string => (ctx.opts.root !== undefined ? resolve(ctx.opts.root) : '/');

async function tree(ctx: VerbContext, namedFiles: readonly string[] = []): Promise<UnitFileTree> {
  const unitPath = process.env['SYSTEMD_UNIT_PATH'];
  return readUnitFileTree({ root: rootOf(ctx), namedFiles, ...(unitPath !== undefined ? { unitPath } : {}) });
}

/** install_changes_dump()'s wording of an error. */
function describeError(verb: string, e: InstallError, rooted: (p: string) => string): string {
  switch (e.kind) {
    case 'not-found': return `Failed to ${verb} unit, unit ${e.unit} does not exist.`;
    case 'masked': return `Failed to ${verb} unit, unit ${rooted(e.path)} is masked.`;
    case 'exists': return e.symlinkTo !== undefined
      ? `Failed to ${verb} unit, file "${rooted(e.path)}" already exists and is a symlink to "${e.symlinkTo}".`
      : `Failed to ${verb} unit, file "${rooted(e.path)}" already exists.`;
    case 'non-template-destination': return `Failed to ${verb} ${e.unit}, destination unit ${e.destination} is a non-template unit.`;
    case 'invalid-name': return `Failed to ${verb} unit, "${e.name}" is not a valid unit name.`;
    case 'generated': return `Failed to ${verb} unit, unit ${rooted(e.path)} is transient or generated.`;
  }
}

function describeChange(verb: string, c: InstallChange, rooted: (p: string) => string): string {
  switch (c.kind) {
    case 'symlink': return `Created symlink ${rooted(c.path)} → ${c.target}.`;
    case 'unlink': return `Removed "${rooted(c.path)}".`;
    case 'is-masked': return `Unit ${rooted(c.path)} is masked, ignoring.`;
    case 'destination-not-present': return `Unit ${rooted(c.unitPath)} is added as a dependency to a non-existent unit ${c.destination}.`;
    case 'error': return describeError(verb, c.error, rooted);
  }
}

export async function unitFileVerb(ctx: VerbContext, verb: string): Promise<number> {
  const { opts } = ctx;
  let names = ctx.args;
  const root = rootOf(ctx);
  const rooted = (p: string): string => (root === '/' ? p : `${root}${p}`);
  if (names.some((n) => n.includes('/'))) {
    // systemctl 252: mask/unmask take names only; disable goes on by the file's name, with a warning.
    if (verb === 'mask' || verb === 'unmask') return (process.stderr.write(`Failed to ${verb}: Invalid argument.\n`), 1);
    if (verb === 'disable') {
      process.stderr.write(`Warning: Can't execute disable on the unit file path. Proceeding with the unit name.\n`);
      names = names.map((n) => n.slice(n.lastIndexOf('/') + 1));
    } else names = names.map((n) => (n.includes('/') ? resolve(n) : n));
  }
  const t = await tree(ctx, names.filter((n) => n.startsWith('/')));
  const installOpts = { runtime: opts.runtime, force: opts.force };
  const result = verb === 'enable' ? planEnable(t, names, installOpts)
    : verb === 'disable' ? planDisable(t, names, installOpts)
    : verb === 'reenable' ? planReenable(t, names, installOpts)
    : verb === 'mask' ? planMask(t, names, installOpts)
    : verb === 'unmask' ? planUnmask(t, names, installOpts)
    : planPreset(t, names, installOpts);
  // Made first, reported after, as systemctl reports its changes once they are done; a change
  // that could not be made ends the list there.
  const applied = applyInstallChanges(root, result.changes);
  for (const c of result.changes.slice(0, applied.done)) {
    if (c.kind !== 'error' && opts.quiet) continue;
    process.stderr.write(`${describeChange(verb, c, rooted)}\n`);
  }
  if (applied.error) return (process.stderr.write(`Failed to ${verb} unit: ${applied.error.message}\n`), 1);
  if (result.failed) return 1;
  if ((verb === 'enable' || verb === 'reenable') && result.noInstallInfo && !opts.quiet) process.stderr.write(NO_INSTALL_INFO);
  // A running manager (not in a chroot, not for another root) reloads, as after systemctl enable.
  const changed = result.changes.some((c) => c.kind === 'symlink' || c.kind === 'unlink');
  if (changed && opts.reload && opts.root === undefined && !ctx.offline) await ctx.client().reload().catch(() => undefined);
  if (opts.now && (verb === 'enable' || verb === 'disable' || verb === 'mask')) {
    if (opts.root !== undefined || ctx.offline) {
      // systemctl 252 tries its bus there and fails so (with --root= and in a chroot alike).
      process.stderr.write("System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n");
      return 1;
    }
    return jobs({ ...ctx, args: names.map((n) => n.slice(n.lastIndexOf('/') + 1)) }, verb === 'enable' ? 'start' : 'stop');
  }
  return 0;
}

export async function isEnabled(ctx: VerbContext): Promise<number> {
  const t = await tree(ctx);
  let enabled = false;
  for (const name of ctx.args) {
    const state = unitFileState(t, name);
    if (state === undefined) return (process.stderr.write(`Failed to get unit file state for ${name}: No such file or directory\n`), 1);
    if (countsAsEnabled(state)) enabled = true;
    if (!ctx.opts.quiet) process.stdout.write(`${state}\n`);
  }
  return enabled ? 0 : 1;
}

export async function listUnitFiles(ctx: VerbContext): Promise<number> {
  const { opts, args: patterns } = ctx;
  const t = await tree(ctx);
  const entries = listFiles(t).filter((e) => {
    if (patterns.length > 0 && !patterns.some((p) => globMatch(p, e.name))) return false;
    if (opts.types.length > 0 && !opts.types.includes(e.name.slice(e.name.lastIndexOf('.') + 1))) return false;
    return opts.states.length === 0 || opts.states.includes(e.state);
  }).sort(compareUnitFiles);
  const rows = entries.map((e) => [e.name, e.state, showsPreset(e.state) ? presetOf(t.presets, e.name) : '-']);
  if (opts.output === 'json') {
    process.stdout.write(`${JSON.stringify(entries.map((e, i) => ({ unit_file: e.name, state: e.state, preset: rows[i]![2] })))}\n`);
    return entries.length > 0 ? 0 : 1;
  }
  const table = formatTable(['UNIT FILE', 'STATE', 'PRESET'], rows, opts.legend);
  const lines = table === '' ? [] : table.slice(0, -1).split('\n');
  if (opts.legend) lines.push('', `${entries.length} unit files listed.`);
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  return entries.length > 0 ? 0 : 1;
}
