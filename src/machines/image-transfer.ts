// Images in and out as files: tar archives (compressed by suffix: .gz, .xz, .zst, .bz2), raw disk
// files, and plain directories. tar does the file-system work (owners by number, xattrs, ACLs,
// devices, hard links; GNU tar refuses members that climb out with `..` or absolute paths), the
// compressors run as their own processes, and the bytes pass through here so progress can be shown.
// Every import builds under a hidden temporary name and is renamed into place only when complete.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageOperationError } from './image-errors.js';
import { buildAtomically, copyTree, getImage, newImagePath, setReadOnlyAt, temporaryPathFor, type Image, type StoreOptions } from './image-store.js';

export interface Progress {
  readonly bytes: number;
  /** Known when reading a file; an export's size is known only at its end. */
  readonly total?: number;
}
export type ProgressListener = (p: Progress) => void;

type Compression = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'none';

const SUFFIXES: readonly (readonly [RegExp, Compression])[] = [
  [/\.(gz|tgz)$/, 'gzip'], [/\.(xz|txz)$/, 'xz'], [/\.(zst|tzst)$/, 'zstd'], [/\.(bz2|tbz2?)$/, 'bzip2'],
];
export const compressionOf = (file: string): Compression => SUFFIXES.find(([re]) => re.test(file))?.[1] ?? 'none';

/** `debian-12.tar.xz` -> `debian-12`, `disk.raw.zst` -> `disk`: the name an import takes when none is given. */
export function imageNameFromFile(file: string): string {
  return basename(file).replace(/\.(gz|xz|zst|bz2)$/, '').replace(/\.(tgz|txz|tzst|tbz2?)$/, '').replace(/\.(tar|raw)$/, '');
}

function counter(onProgress: ProgressListener | undefined, total?: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      onProgress?.({ bytes, ...(total !== undefined ? { total } : {}) });
      done(null, chunk);
    },
  });
}

/**
 * A child process whose failure (exit status or signal) rejects with what it printed on stderr.
 * It is killed when `abort` fires, so a failure elsewhere in a pipeline leaves no process waiting
 * for input that will never come.
 */
function run(command: string, args: readonly string[], abort: AbortSignal): { stdin: Writable; stdout: Readable; done: Promise<void> } {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], signal: abort, killSignal: 'SIGKILL' });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  // A killed child's stdin may be closed under a writer: its error is the pipeline's, not a crash.
  child.stdin.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(stderr.trim() || `${command}: ${signal ?? `exit status ${code}`}`))));
  });
  return { stdin: child.stdin, stdout: child.stdout, done };
}

/** Runs `work` with an abort signal that ends its processes when it fails. */
async function withProcesses<T>(work: (abort: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  try {
    return await work(controller.signal);
  } catch (err) {
    controller.abort();
    throw err;
  }
}

const decompressor = (c: Compression): readonly string[] | undefined => (c === 'none' ? undefined : [c, '-d', '-c']);
const compressor = (c: Compression): readonly string[] | undefined => (c === 'none' ? undefined : [c, '-c', ...(c === 'zstd' ? ['-q'] : [])]);

/** The file's bytes, counted, decompressed by its suffix, into `sink`. */
async function readInto(file: string, sink: Writable, abort: AbortSignal, onProgress?: ProgressListener): Promise<void> {
  const total = statSync(file).size;
  const source = createReadStream(file);
  const d = decompressor(compressionOf(file));
  if (d === undefined) return pipeline(source, counter(onProgress, total), sink);
  const proc = run(d[0]!, d.slice(1), abort);
  await Promise.all([pipeline(source, counter(onProgress, total), proc.stdin), pipeline(proc.stdout, sink), proc.done]);
}

export interface ImportOptions extends StoreOptions {
  readonly readOnly?: boolean;
  readonly onProgress?: ProgressListener;
}

export async function importTar(file: string, name: string = imageNameFromFile(file), o: ImportOptions = {}): Promise<Image> {
  statSync(file);
  const target = newImagePath(name, 'directory', o.searchPath);
  await buildAtomically(name, 'import', target, (tmp) => withProcesses(async (abort) => {
    mkdirSync(tmp, { mode: 0o755 });
    const tar = run('tar', ['-x', '--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '--same-permissions', '-C', tmp, '-f', '-'], abort);
    await Promise.all([readInto(file, tar.stdin, abort, o.onProgress), tar.done]);
  }));
  return finishImport(name, target, 'directory', o);
}

export async function importRaw(file: string, name: string = imageNameFromFile(file), o: ImportOptions = {}): Promise<Image> {
  statSync(file);
  const target = newImagePath(name, 'raw', o.searchPath);
  await buildAtomically(name, 'import', target, (tmp) => withProcesses((abort) => readInto(file, createWriteStream(tmp, { mode: 0o644 }), abort, o.onProgress)));
  return finishImport(name, target, 'raw', o);
}

export async function importFs(directory: string, name: string = basename(directory), o: ImportOptions = {}): Promise<Image> {
  if (!statSync(directory).isDirectory()) throw new ImageOperationError(name, 'import', `${directory} is not a directory`);
  const target = newImagePath(name, 'directory', o.searchPath);
  await buildAtomically(name, 'import', target, (tmp) => copyTree(directory, tmp));
  return finishImport(name, target, 'directory', o);
}

/** Marks the new image read-only when asked: after the rename, since an immutable directory cannot be renamed. */
function finishImport(name: string, path: string, type: 'directory' | 'raw', o: ImportOptions): Image {
  if (o.readOnly === true) setReadOnlyAt(path, type, true);
  return getImage(name, o.searchPath);
}

export interface ExportOptions extends StoreOptions {
  readonly force?: boolean;
  readonly onProgress?: ProgressListener;
}

/** Writes `file` (compressed by its suffix) under a temporary name beside it, renamed when complete. */
async function exportTo(image: string, file: string, o: ExportOptions, produce: (abort: AbortSignal) => { stdout: Readable; done: Promise<void> }): Promise<void> {
  if (existsSync(file) && o.force !== true) throw new ImageOperationError(image, 'export', `${file} exists (--force replaces it)`);
  const tmp = temporaryPathFor(file);
  try {
    await withProcesses(async (abort) => {
      const source = produce(abort);
      const out = createWriteStream(tmp, { mode: 0o644 });
      const c = compressor(compressionOf(file));
      if (c === undefined) return void (await Promise.all([pipeline(source.stdout, counter(o.onProgress), out), source.done]));
      const proc = run(c[0]!, c.slice(1), abort);
      await Promise.all([pipeline(source.stdout, proc.stdin), pipeline(proc.stdout, counter(o.onProgress), out), proc.done, source.done]);
    });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new ImageOperationError(image, 'export', (err as Error).message);
  }
}

export async function exportTar(name: string, file: string, o: ExportOptions = {}): Promise<void> {
  const image = getImage(name, o.searchPath);
  if (image.type !== 'directory') throw new ImageOperationError(name, 'export', `a ${image.type} image has no tree to archive (export-raw)`);
  mkdirSync(dirname(file), { recursive: true });
  await exportTo(name, file, o, (abort) => {
    const tar = run('tar', ['-c', '--numeric-owner', '--xattrs', '--acls', '-C', image.path, '-f', '-', '.'], abort);
    tar.stdin.end();
    return tar;
  });
}

export async function exportRaw(name: string, file: string, o: ExportOptions = {}): Promise<void> {
  const image = getImage(name, o.searchPath);
  if (image.type !== 'raw') throw new ImageOperationError(name, 'export', `a ${image.type} image is not a disk file (export-tar)`);
  await exportTo(name, file, o, () => ({ stdout: createReadStream(image.path), done: Promise.resolve() }));
}

