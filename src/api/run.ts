// The Node API's two ways to run a sandboxed command: spawn() gives a handle (pid, streams, kill,
// the exit, output lines as an async iterator), run() waits for the end and collects the output,
// with execa's conveniences (input, timeout, AbortSignal, maxBuffer, encoding). Both go through
// the one launch layer; the sandbox's cgroup and private /tmp are released when it ends.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { launch } from '../launch/launch.js';
import type { LaunchHandle, Launchable } from '../launch/types.js';
import { SandboxOptionError } from './options.js';
import { prepareSandbox, type PrepareOptions } from './prepare.js';

export interface SpawnSandboxOptions extends PrepareOptions {
  /** Each of stdin, stdout, stderr: a pipe (default), this process's own, or /dev/null. */
  readonly stdio?: 'pipe' | 'inherit' | 'ignore' | readonly ['pipe' | 'inherit' | 'ignore', 'pipe' | 'inherit' | 'ignore', 'pipe' | 'inherit' | 'ignore'];
}

export interface SandboxEnd {
  /** The exit code, or null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Sandbox {
  readonly pid: number;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Resolves when the command has ended and the sandbox is released. */
  readonly exited: Promise<SandboxEnd>;
  /** Signals the command (default SIGTERM); `all` signals every process it started. */
  kill(signal?: NodeJS.Signals, target?: 'main' | 'all'): void;
  /** stdout's lines as they come (stdout must be a pipe). */
  lines(): AsyncIterable<string>;
}

type StdioOption = NonNullable<SpawnSandboxOptions['stdio']>;

/**
 * Launches and ties the release to the end: `exited` resolves once the launchable (cgroup,
 * private /tmp, registration) is released. A launch that fails releases at once.
 */
export async function launchReleasing(launchable: Launchable, stdio: StdioOption): Promise<{ handle: LaunchHandle; exited: Promise<SandboxEnd> }> {
  let handle: LaunchHandle;
  try {
    handle = await launch(launchable, { stdio: typeof stdio === 'string' ? stdio : [...stdio] });
  } catch (err) {
    launchable.release();
    throw err;
  }
  const exited = handle.exited.then((s): SandboxEnd => {
    handle.release();
    return s.kind === 'exited' ? { exitCode: s.code, signal: null } : { exitCode: null, signal: s.signal };
  });
  return { handle, exited };
}

const argvOf = (command: string | readonly string[]): readonly string[] => (typeof command === 'string' ? [command] : command);

export async function spawn(command: string | readonly string[], options: SpawnSandboxOptions = {}): Promise<Sandbox> {
  const { stdio = 'pipe', ...sandboxOptions } = options;
  const { handle, exited } = await launchReleasing(await prepareSandbox(argvOf(command), sandboxOptions), stdio);
  return {
    pid: handle.pid,
    stdin: handle.stdin,
    stdout: handle.stdout,
    stderr: handle.stderr,
    exited,
    kill: (signal = 'SIGTERM', target = 'main') => handle.kill(signal, target),
    lines: () => {
      if (handle.stdout === null) throw new SandboxOptionError('stdio', 'lines() needs stdout as a pipe');
      return createInterface({ input: handle.stdout, crlfDelay: Infinity });
    },
  };
}

export interface RunOptions extends PrepareOptions {
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  readonly input?: string | Uint8Array;
  /** Milliseconds until the command is killed (killSignal, then SIGKILL 2 s later). */
  readonly timeout?: number;
  /** Aborting kills the command as a timeout does. */
  readonly signal?: AbortSignal;
  readonly killSignal?: NodeJS.Signals;
  /** Bytes kept of stdout and of stderr each (default 100 MiB); more kills the command. */
  readonly maxBuffer?: number;
  /** 'utf8' (default) gives strings; 'buffer' gives Buffers. */
  readonly encoding?: BufferEncoding | 'buffer';
}

export interface RunResult<T extends string | Buffer = string> extends SandboxEnd {
  readonly stdout: T;
  readonly stderr: T;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** The output passed maxBuffer and the command was killed. */
  readonly bufferExceeded: boolean;
}

export async function run(command: string | readonly string[], options: RunOptions & { encoding: 'buffer' }): Promise<RunResult<Buffer>>;
export async function run(command: string | readonly string[], options?: RunOptions): Promise<RunResult<string>>;
export async function run(command: string | readonly string[], options: RunOptions = {}): Promise<RunResult<string | Buffer>> {
  const { input, timeout, signal, killSignal = 'SIGTERM', maxBuffer = 100 * 1024 * 1024, encoding = 'utf8', ...rest } = options;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new SandboxOptionError('timeout', `a positive number of milliseconds, not ${timeout}`);
  signal?.throwIfAborted();
  const started = performance.now();
  const box = await spawn(command, { ...rest, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  let timedOut = false;
  let aborted = false;
  let bufferExceeded = false;
  let hardKill: NodeJS.Timeout | undefined;
  const stop = (): void => {
    box.kill(killSignal, 'all');
    hardKill ??= setTimeout(() => box.kill('SIGKILL', 'all'), 2000);
  };
  const timer = timeout !== undefined ? setTimeout(() => ((timedOut = true), stop()), timeout) : undefined;
  const onAbort = (): void => ((aborted = true), stop());
  signal?.addEventListener('abort', onAbort, { once: true });
  const collect = (stream: Readable | null): Promise<Buffer> => new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    if (stream === null) return resolve(Buffer.alloc(0));
    stream.on('data', (d: Buffer) => {
      if (size + d.length > maxBuffer) {
        if (!bufferExceeded) (bufferExceeded = true), stop();
        chunks.push(d.subarray(0, Math.max(0, maxBuffer - size)));
        size = maxBuffer;
        return;
      }
      chunks.push(d);
      size += d.length;
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', () => resolve(Buffer.concat(chunks)));
  });
  if (input !== undefined) box.stdin?.end(input);
  try {
    const [stdout, stderr, end] = await Promise.all([collect(box.stdout), collect(box.stderr), box.exited]);
    const text = (b: Buffer): string | Buffer => (encoding === 'buffer' ? b : b.toString(encoding));
    return { ...end, stdout: text(stdout), stderr: text(stderr), durationMs: performance.now() - started, timedOut, aborted, bufferExceeded };
  } finally {
    clearTimeout(timer);
    clearTimeout(hardKill);
    signal?.removeEventListener('abort', onAbort);
  }
}
