// The Node API's containers: `Container.start(['-D', tree, '-b'])` takes systemd-nspawn's options
// (as `nsbox nspawn` does, .nspawn settings files included), and the running container can be
// entered (exec, as machinectl shell enters it: its namespaces, cgroups, bounding set and
// filter), powered off, terminated, and awaited.
import type { Readable, Writable } from 'node:stream';
import { parseNspawnArgs } from '../nspawn/options.js';
import { prepareContainer, type PreparedContainer } from '../machines/container.js';
import { applyNspawnSettings } from '../machines/settings-files.js';
import { prepareJoin } from '../machines/shell.js';
import { launch } from '../launch/launch.js';
import type { LaunchHandle } from '../launch/types.js';
import { SandboxOptionError } from './options.js';
import { launchReleasing, type SandboxEnd } from './run.js';

type Stdio = 'pipe' | 'inherit' | 'ignore';

export interface ContainerStartOptions {
  /** The container's console: its PID 1's stdin, stdout, stderr (default 'ignore'). */
  readonly stdio?: Stdio | readonly [Stdio, Stdio, Stdio];
}

export interface ExecOptions {
  /** A user of the container's /etc/passwd (default root). */
  readonly user?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly input?: string;
}

export interface ExecResult extends SandboxEnd {
  readonly stdout: string;
  readonly stderr: string;
}

/** SIGRTMIN+4: what systemd as PID 1 takes as a poweroff request (machined sends it too). */
const POWEROFF = 38;

export class Container {
  private constructor(private readonly prepared: PreparedContainer, private readonly handle: LaunchHandle, readonly exited: Promise<SandboxEnd>) {}

  /** Starts a container from nspawn's command-line options; resolves once its PID 1 runs. */
  static async start(args: readonly string[], options: ContainerStartOptions = {}): Promise<Container> {
    const parsed = parseNspawnArgs(args);
    if (parsed.help || parsed.version) throw new SandboxOptionError('args', '--help and --version start nothing');
    const prepared = prepareContainer(applyNspawnSettings(parsed).options, { stdinIsTty: false, stdoutIsTty: false, supervisorPid: process.pid });
    const { handle, exited } = await launchReleasing(prepared, options.stdio ?? 'ignore');
    return new Container(prepared, handle, exited);
  }

  get name(): string {
    return this.prepared.machine;
  }
  /** Host pid of the container's PID 1. */
  get pid(): number {
    return this.handle.pid;
  }
  get stdin(): Writable | null {
    return this.handle.stdin;
  }
  get stdout(): Readable | null {
    return this.handle.stdout;
  }
  /** Resolves true when the container's init reports READY=1 (a booted systemd), false if it ends first. */
  get ready(): Promise<boolean> {
    return this.handle.ready;
  }

  /** Runs a command inside the running container and collects its output. */
  async exec(command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (command.length === 0 || !command[0]!.startsWith('/')) throw new SandboxOptionError('command', 'an absolute path inside the container, then its arguments');
    const launchable = prepareJoin(this.pid, this.prepared.join, {
      ...(options.user !== undefined ? { user: options.user } : {}),
      command,
      setenv: Object.entries(options.environment ?? {}).map(([k, v]) => `${k}=${v}`),
      pty: false,
    });
    const h = await launch(launchable, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (options.input !== undefined) h.stdin?.end(options.input);
    const text = (s: Readable | null): Promise<string> => new Promise((resolve) => {
      let out = '';
      if (s === null) return resolve(out);
      s.setEncoding('utf8').on('data', (d: string) => (out += d)).on('end', () => resolve(out));
    });
    const [stdout, stderr, end] = await Promise.all([text(h.stdout), text(h.stderr), h.exited]);
    return { stdout, stderr, ...(end.kind === 'exited' ? { exitCode: end.code, signal: null } : { exitCode: null, signal: end.signal }) };
  }

  /** Asks the container's init to power off (SIGRTMIN+4, as machinectl poweroff). */
  poweroff(): void {
    process.kill(this.pid, POWEROFF);
  }
  /** Ends every process of the container at once. */
  terminate(): void {
    this.handle.kill('SIGKILL', 'all');
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.handle.kill(signal, 'main');
  }
}
