// `nsbox machinectl`'s image verbs: list-images, image-status, clone, rename, read-only, remove,
// import-tar/-raw/-fs, export-tar/-raw. Imports and exports show their progress on a terminal.
import { isTerminal } from '../executor/libc.js';
import { cloneImage, getImage, listImages, removeImage, renameImage, setImageReadOnly, type Image } from '../machines/image-store.js';
import { exportRaw, exportTar, importFs, importRaw, importTar, type ProgressListener } from '../machines/image-transfer.js';
import { timestamp } from '../manager/timestamp.js';
import { MachinectlUsageError, type MachinectlOptions } from './machinectl-options.js';
import { formatTable } from './table.js';

export const IMAGE_VERBS: ReadonlySet<string> = new Set([
  'list-images', 'image-status', 'clone', 'rename', 'read-only', 'remove', 'import-tar', 'import-raw', 'import-fs', 'export-tar', 'export-raw',
]);

/** systemd's byte sizes: 1024-based, one decimal truncated (`512B`, `64.0K`, `1.5M`, `120.3G`). */
export function formatBytes(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P', 'E'];
  for (let u = units.length - 1; u >= 0; u--) {
    const factor = 1024 ** (u + 1);
    if (n >= factor) return `${Math.floor(n / factor)}.${Math.floor((n * 10) / factor) % 10}${units[u]}`;
  }
  return `${n}B`;
}

const imageJson = (i: Image): Record<string, unknown> => ({
  name: i.name, type: i.type, ro: i.readOnly, usage: i.usageBytes ?? null, created: i.createdUs ?? null, modified: i.modifiedUs, path: i.path,
});

function listImagesVerb(o: MachinectlOptions): number {
  const images = listImages();
  if (o.json) return (process.stdout.write(JSON.stringify(images.map(imageJson)) + '\n'), 0);
  const rows = images.map((i) => [i.name, i.type, i.readOnly ? 'yes' : 'no', i.usageBytes !== undefined ? formatBytes(i.usageBytes) : '-',
    i.createdUs !== undefined ? timestamp(i.createdUs) : '-', timestamp(i.modifiedUs)]);
  if (rows.length > 0) process.stdout.write(formatTable(['NAME', 'TYPE', 'RO', 'USAGE', 'CREATED', 'MODIFIED'], rows, o.legend));
  if (o.legend) process.stdout.write(rows.length > 0 ? `\n${rows.length} images listed.\n` : 'No images.\n');
  return 0;
}

function imageStatusVerb(names: readonly string[], o: MachinectlOptions): number {
  const images = (names.length > 0 ? names : listImages().map((i) => i.name)).map((n) => getImage(n));
  if (o.json) return (process.stdout.write(JSON.stringify(images.map(imageJson)) + '\n'), 0);
  const pad = (label: string): string => label.padStart(10);
  process.stdout.write(images.map((i) => [
    i.name,
    `${pad('Type')}: ${i.type}`,
    `${pad('Path')}: ${i.path}`,
    `${pad('RO')}: ${i.readOnly ? 'read-only' : 'writable'}`,
    ...(i.createdUs !== undefined ? [`${pad('Created')}: ${timestamp(i.createdUs)}`] : []),
    `${pad('Modified')}: ${timestamp(i.modifiedUs)}`,
    ...(i.usageBytes !== undefined ? [`${pad('Usage')}: ${formatBytes(i.usageBytes)}`] : []),
  ].join('\n') + '\n').join('\n'));
  return 0;
}

/** A progress line on stderr, rewritten in place, when stderr is a terminal; nothing otherwise. */
function progressLine(what: string, quiet: boolean): { onProgress?: ProgressListener; end(): void } {
  if (quiet || !isTerminal(2)) return { end: () => undefined };
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    onProgress: ({ bytes, total }) => {
      const now = Date.now();
      if (now - last < 200 && (total === undefined || bytes < total)) return;
      last = now;
      const rate = bytes / Math.max(0.001, (now - started) / 1000);
      const left = total !== undefined && rate > 0 ? `, ${Math.ceil((total - bytes) / rate)}s left` : '';
      const amount = total !== undefined ? `${Math.floor((bytes / Math.max(1, total)) * 100)}% ${formatBytes(bytes)}/${formatBytes(total)}` : formatBytes(bytes);
      process.stderr.write(`\r\x1b[K${what}: ${amount} (${formatBytes(rate)}/s${left})`);
      shown = true;
    },
    end: () => void (shown && process.stderr.write('\n')),
  };
}

function needs(words: readonly string[], min: number, max: number): void {
  if (words.length < min) throw new MachinectlUsageError('Too few arguments.');
  if (words.length > max) throw new MachinectlUsageError('Too many arguments.');
}

function parseBool(text: string | undefined): boolean {
  if (text === undefined) return true;
  if (/^(1|yes|y|true|t|on)$/i.test(text)) return true;
  if (/^(0|no|n|false|f|off)$/i.test(text)) return false;
  throw new MachinectlUsageError(`Failed to parse read-only parameter: ${text}`);
}

async function withProgress(what: string, o: MachinectlOptions, run: (onProgress?: ProgressListener) => Promise<unknown>): Promise<number> {
  const p = progressLine(what, o.quiet);
  try {
    await run(p.onProgress);
  } finally {
    p.end();
  }
  return 0;
}

export async function imageVerb(verb: string, w: readonly string[], o: MachinectlOptions): Promise<number> {
  const ro = o.readOnly ? { readOnly: true } : {};
  switch (verb) {
    case 'list-images': return listImagesVerb(o);
    case 'image-status': return imageStatusVerb(w, o);
    case 'clone': return needs(w, 2, 2), await cloneImage(w[0]!, w[1]!, ro), 0;
    case 'rename': return needs(w, 2, 2), renameImage(w[0]!, w[1]!), 0;
    case 'read-only': return needs(w, 1, 2), setImageReadOnly(w[0]!, parseBool(w[1])), 0;
    case 'remove': needs(w, 1, Infinity); for (const n of w) removeImage(n); return 0;
    case 'import-tar': needs(w, 1, 2); return withProgress(`Importing ${w[0]}`, o, (onProgress) => importTar(w[0]!, w[1], { ...ro, ...(onProgress ? { onProgress } : {}) }));
    case 'import-raw': needs(w, 1, 2); return withProgress(`Importing ${w[0]}`, o, (onProgress) => importRaw(w[0]!, w[1], { ...ro, ...(onProgress ? { onProgress } : {}) }));
    case 'import-fs': return needs(w, 1, 2), await importFs(w[0]!, w[1], ro), 0;
    case 'export-tar': needs(w, 2, 2); return withProgress(`Exporting ${w[0]}`, o, (onProgress) => exportTar(w[0]!, w[1]!, { force: o.force, ...(onProgress ? { onProgress } : {}) }));
    case 'export-raw': needs(w, 2, 2); return withProgress(`Exporting ${w[0]}`, o, (onProgress) => exportRaw(w[0]!, w[1]!, { force: o.force, ...(onProgress ? { onProgress } : {}) }));
    default: throw new MachinectlUsageError(`Unknown command verb '${verb}'.`);
  }
}
