// `nsbox machinectl`: running containers (list, status, shell, poweroff, reboot, terminate, kill)
// and images (machinectl-images.ts), with machinectl's wording and exit codes. Containers started
// by `nsbox nspawn` register themselves; this reads those registrations.
import { readFileSync } from 'node:fs';
import { NsboxError } from '../errors.js';
import { isTerminal } from '../executor/libc.js';
import { launchInPlace } from '../launch/in-place.js';
import { cgroupMembers } from '../launch/cgroup-signal.js';
import { processCommandLine, processName } from '../launch/proc-info.js';
import { copyFromMachine, copyToMachine, idShiftOf } from '../machines/tree-copy.js';
import { resolve } from 'node:path';
import { MachineNotReadyError, killMachine, parseSignal, poweroffMachine, rebootMachine, terminateMachine, type KillWhom } from '../machines/machine-control.js';
import { runningMachine, runningMachines, type RunningMachine } from '../machines/running.js';
import { prepareShell } from '../machines/shell.js';
import { ago, timestamp } from '../manager/timestamp.js';
import { imageVerb, IMAGE_VERBS } from './machinectl-images.js';
import { MachinectlUsageError, parseMachinectlArgs, type MachinectlOptions } from './machinectl-options.js';
import { isSystemError } from './system-error.js';
import { formatTable } from './table.js';

const USAGE = `usage: nsbox machinectl [OPTIONS...] COMMAND ...

Send control commands to or query the nsbox container registry.

Machine Commands:
  list                        List running containers
  status NAME...              Show container status
  shell [USER@]NAME [COMMAND...]
                              Open an interactive shell session, or run a command, in a container
  poweroff NAME...            Power off one or more containers
  reboot NAME...              Reboot one or more containers
  terminate NAME...           Terminate one or more containers (every process, at once)
  kill NAME...                Send signal to processes of a container
  copy-to NAME PATH [PATH]    Copy files from the host to a container
  copy-from NAME PATH [PATH]  Copy files from a container to the host

Image Commands:
  list-images                 Show available container images
  image-status [NAME...]      Show image details
  clone NAME NAME             Clone an image
  rename NAME NAME            Rename an image
  read-only NAME [BOOL]       Mark or unmark an image read-only
  remove NAME...              Remove an image
  import-tar FILE [NAME]      Import a local tar container image (.gz, .xz, .zst, .bz2 by suffix)
  import-raw FILE [NAME]      Import a local raw disk image
  import-fs DIRECTORY [NAME]  Import a local directory as an image
  export-tar NAME FILE        Export a directory image as a tar archive
  export-raw NAME FILE        Export a raw disk image

Options:
     --no-legend              Do not show the headers and footers
  -q --quiet                  Suppress output
  -o --output=json            JSON for the list and status verbs (also --json=short|pretty)
     --uid=USER               Specify user ID to invoke shell as
  -E --setenv=VAR[=VALUE]     Add an environment variable for shell
  -s --signal=SIGNAL          Which signal to send (kill)
     --kill-whom=WHOM         Whom to send signal to: leader or all (kill; default all)
     --read-only              Create read-only image (clone, import-*)
     --force                  Replace an existing file (export-*)
     --no-pager               Do not pipe output into a pager (there is none)
  -h --help                   Show this help
`;

const json = (value: unknown): string => JSON.stringify(value) + '\n';

function listMachinesVerb(o: MachinectlOptions): number {
  const machines = runningMachines();
  if (o.json) {
    process.stdout.write(json(machines.map((m) => ({ machine: m.record.name, class: m.record.class, service: 'nsbox', os: m.osRelease['ID'] ?? null, version: m.osRelease['VERSION_ID'] ?? null, leader: m.leader ?? null, addresses: null }))));
    return 0;
  }
  const rows = machines.map((m) => [m.record.name, m.record.class, 'nsbox', m.osRelease['ID'] ?? '-', m.osRelease['VERSION_ID'] ?? '-', '-']);
  if (rows.length > 0) process.stdout.write(formatTable(['MACHINE', 'CLASS', 'SERVICE', 'OS', 'VERSION', 'ADDRESSES'], rows, o.legend));
  if (o.legend) process.stdout.write(rows.length > 0 ? `\n${rows.length} machines listed.\n` : 'No machines.\n');
  return 0;
}

function statusText(m: RunningMachine): string {
  const r = m.record;
  const since = Date.parse(r.startedAt) * 1000;
  const pad = (label: string): string => label.padStart(16);
  const lines = [
    `${r.name}(${r.uuid.replaceAll('-', '')})`,
    `${pad('Since')}: ${timestamp(since)}; ${ago(since, Date.now() * 1000)}`,
    ...(m.leader !== undefined ? [`${pad('Leader')}: ${m.leader} (${processName(m.leader)})`] : []),
    `${pad('Service')}: nsbox; class ${r.class}`,
    `${pad('Root')}: ${r.directory}`,
    ...(m.osRelease['PRETTY_NAME'] !== undefined ? [`${pad('OS')}: ${m.osRelease['PRETTY_NAME']}`] : []),
  ];
  const pids = [...new Set(cgroupMembers(r.cgroups.slice(0, 1)))].sort((a, b) => a - b);
  if (pids.length > 0) {
    lines.push(`${pad('CGroup')}: ${r.cgroups[0]}`);
    pids.forEach((pid, i) => lines.push(`${' '.repeat(18)}${i === pids.length - 1 ? '└─' : '├─'}${pid} ${processCommandLine(pid)}`));
  }
  return lines.join('\n') + '\n';
}

function statusVerb(names: readonly string[], o: MachinectlOptions): number {
  if (names.length === 0) throw new MachinectlUsageError('Too few arguments.');
  const machines = names.map((n) => runningMachine(n));
  if (o.json) {
    process.stdout.write(json(machines.map((m) => ({ ...m.record, leader: m.leader ?? null, osRelease: m.osRelease }))));
    return 0;
  }
  process.stdout.write(machines.map(statusText).join('\n'));
  return 0;
}

function shellVerb(words: readonly string[], o: MachinectlOptions): number {
  const target = words[0];
  if (target === undefined || target === '.host' || target.endsWith('@') || target.endsWith('@.host')) {
    throw new MachinectlUsageError('a shell on the host (.host) is not supported: name a container');
  }
  const at = target.lastIndexOf('@');
  const user = at > 0 ? target.slice(0, at) : o.uid;
  const name = at >= 0 ? target.slice(at + 1) : target;
  const machine = runningMachine(name);
  const pty = isTerminal(0) && isTerminal(1);
  const term = process.env['TERM'];
  const launchable = prepareShell(machine, {
    ...(user !== undefined ? { user } : {}),
    ...(words.length > 1 ? { command: words.slice(1) } : {}),
    setenv: o.setenv,
    pty,
    ...(term !== undefined && pty ? { term } : {}),
  });
  if (pty && !o.quiet) process.stderr.write(`Connected to machine ${name}. Press ^] three times within 1s to exit session.\n`);
  // The helper takes this process over, runs the shell and exits with its status.
  launchInPlace(launchable, { failureExitCode: 1, labelPrefix: 'nsbox machinectl: ' });
}

function each(names: readonly string[], act: (m: RunningMachine) => void): number {
  if (names.length === 0) throw new MachinectlUsageError('Too few arguments.');
  for (const name of names) act(runningMachine(name));
  return 0;
}

function killVerb(names: readonly string[], o: MachinectlOptions): number {
  const signal = parseSignal(o.signal ?? 'SIGTERM');
  if (signal === undefined) throw new MachinectlUsageError(`Failed to parse signal string ${o.signal}.`);
  const whom = o.killWhom ?? 'all';
  if (whom !== 'leader' && whom !== 'all') throw new MachinectlUsageError(`Invalid --kill-whom= value: ${whom} (leader or all)`);
  return each(names, (m) => killMachine(m, signal, whom as KillWhom));
}

/** copy-to NAME SOURCE [DESTINATION] / copy-from NAME SOURCE [DESTINATION]: the destination defaults to the source's path. */
function copyVerb(verb: 'copy-to' | 'copy-from', words: readonly string[]): number {
  if (words.length < 2) throw new MachinectlUsageError('Too few arguments.');
  if (words.length > 3) throw new MachinectlUsageError('Too many arguments.');
  const [name, source, destination = words[1]!] = words as [string, string, string?];
  const machine = runningMachine(name);
  if (machine.leader === undefined) throw new MachineNotReadyError(name);
  const shift = idShiftOf(readFileSync(`/proc/${machine.leader}/uid_map`, 'utf8'));
  if (verb === 'copy-to') copyToMachine(name, machine.leader, resolve(source), destination, shift);
  else copyFromMachine(name, machine.leader, source, resolve(destination), shift);
  return 0;
}

async function dispatch(verb: string, rest: readonly string[], o: MachinectlOptions): Promise<number> {
  switch (verb) {
    case 'list': return listMachinesVerb(o);
    case 'status': return statusVerb(rest, o);
    case 'shell': return shellVerb(rest, o);
    case 'poweroff': return each(rest, poweroffMachine);
    case 'reboot': return each(rest, rebootMachine);
    case 'terminate': return each(rest, terminateMachine);
    case 'kill': return killVerb(rest, o);
    case 'copy-to': case 'copy-from': return copyVerb(verb, rest);
    default:
      if (IMAGE_VERBS.has(verb)) return imageVerb(verb, rest, o);
      throw new MachinectlUsageError(`Unknown command verb '${verb}'.`);
  }
}

export async function main(args: readonly string[]): Promise<number> {
  try {
    const { options, words } = parseMachinectlArgs(args);
    if (options.help) return (process.stdout.write(USAGE), 0);
    const [verb = 'list', ...rest] = words;
    return await dispatch(verb, rest, options);
  } catch (err) {
    if (err instanceof NsboxError || err instanceof MachinectlUsageError || isSystemError(err)) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
