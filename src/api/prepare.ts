// From a command and sandbox options to a Launchable: the options become a service unit (its
// text, parsed and checked as any unit file), the service planner plans its ExecStart=, and the
// command gets a cgroup of its own (so ending the sandbox ends everything it started) and, with
// privateTmp, its own /tmp. release() removes both.
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { createServiceCgroup } from '../cgroups/service.js';
import { removeCgroupTreesAsync } from '../cgroups/container.js';
import { signalCgroups, cgroupMembers } from '../launch/cgroup-signal.js';
import type { Launchable } from '../launch/types.js';
import { planLoadedUnit } from '../service/plan-unit.js';
import { createPrivateTmp } from '../service/private-tmp.js';
import { loadServiceText } from '../unit/from-text.js';
import { directiveLines, quoteWord, SandboxOptionError, type SandboxOptions } from './options.js';
import { STRICT_PRESET, type Preset } from './presets.js';

export interface PrepareOptions extends SandboxOptions {
  /** Settings applied first, which the options given override: 'strict' (documented in presets.ts) or 'none' (the default). */
  readonly sandbox?: Preset;
}

/** Which option an exit status of a command that cannot start points at. */
const OPTION_OF_STATUS: Readonly<Record<string, string>> = {
  EXEC: 'command', USER: 'user', GROUP: 'group', CHDIR: 'workingDirectory', CHROOT: 'rootDirectory', NAMESPACE: 'readWritePaths',
  CAPABILITIES: 'capabilityBoundingSet', SECCOMP: 'systemCallFilter', resources: 'options',
};

export async function prepareSandbox(command: readonly string[], options: PrepareOptions): Promise<Launchable> {
  if (command.length === 0 || command.some((w) => typeof w !== 'string')) throw new SandboxOptionError('command', 'a non-empty list of strings');
  const { sandbox, ...rest } = options;
  if (sandbox !== undefined && sandbox !== 'none' && sandbox !== 'strict') throw new SandboxOptionError('sandbox', `'strict' or 'none', not ${JSON.stringify(sandbox)}`);
  const lines = directiveLines({ ...(sandbox === 'strict' ? STRICT_PRESET : {}), ...rest });
  const name = `nsbox-run-${randomBytes(6).toString('hex')}.service`;
  // Line 1 is [Service], line 2 ExecStart=, then one line per setting.
  const text = ['[Service]', `ExecStart=${command.map((w) => quoteWord(w, 'command', true)).join(' ')}`, ...lines.map((l) => l.line)].join('\n') + '\n';
  const unit = loadServiceText(name, text, 'options');
  const optionAt = (line: number): string => (line === 2 ? 'command' : lines[line - 3]?.option ?? 'options');
  // A unit file's bad value is a warning systemd ignores; an option the caller gave is refused.
  const bad = unit.diagnostics.find((d) => d.severity === 'error') ?? unit.diagnostics.find((d) => d.line >= 2);
  if (bad !== undefined) throw new SandboxOptionError(optionAt(bad.line), bad.message);

  // An absolute program that is not there would fail at exec, after the sandbox was built: say so first.
  const program = command[0]!;
  if (program.startsWith('/')) {
    const tree = unit.settings.exec.rootDirectory ?? '/';
    try {
      accessSync(join(tree, program), constants.X_OK);
    } catch {
      throw new SandboxOptionError('command', `${program}: no executable file there${tree === '/' ? '' : ` (in ${tree})`}`);
    }
  }
  const privateTmp = unit.settings.exec.privateTmp ? createPrivateTmp(name) : undefined;
  let cgroup;
  try {
    const planned = await planLoadedUnit(unit, privateTmp !== undefined ? { privateTmpDirs: privateTmp } : {});
    const notEnforced = planned.unenforced[0];
    if (notEnforced !== undefined) throw new SandboxOptionError(notEnforced.at ? optionAt(notEnforced.at.line) : notEnforced.setting, 'not enforced by nsbox yet');
    const only = planned.commands[0]!;
    if (only.plan === undefined) throw new SandboxOptionError(OPTION_OF_STATUS[only.error?.status ?? ''] ?? 'options', only.error?.message ?? 'cannot start');
    cgroup = createServiceCgroup(name);
    const dirs = cgroup.dirs;
    let released = false;
    return {
      plan: { ...only.plan, cgroups: dirs },
      cgroupDirs: dirs,
      release: () => {
        if (released) return;
        released = true;
        // Whatever the command left running ends with it.
        if (cgroupMembers(dirs).length > 0) signalCgroups(dirs, 'SIGKILL');
        // Killed members keep a cgroup busy for a moment: removed in the background, retried.
        void removeCgroupTreesAsync(dirs);
        privateTmp?.remove();
      },
    };
  } catch (err) {
    cgroup?.remove();
    privateTmp?.remove();
    throw err;
  }
}
