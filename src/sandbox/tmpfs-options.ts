// TemporaryFileSystem= options (`mode=0700,size=10M,ro` ...) -> typed tmpfs settings.
// systemd's defaults for it are `mode=0755,nodev,strictatime`; `ro` is applied after all mounts
// (so later mounts below can still create their mount points), hence it is returned apart.
import type { TmpfsOptions } from './mount-entry.js';
import type { SandboxDiagnostic } from './errors.js';

export interface ParsedTmpfsOptions {
  readonly tmpfs: TmpfsOptions;
  readonly readOnly: boolean;
  readonly diagnostics: readonly SandboxDiagnostic[];
}

const SIZE_SUFFIX: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

function parseSize(text: string): number | undefined {
  const m = /^(\d+)([kmgtKMGT]?)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (SIZE_SUFFIX[(m[2] ?? '').toLowerCase()] ?? 1);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Flag words as [field, value]; strictatime and friends are accepted and need no op. */
const FLAG_WORDS: Readonly<Record<string, readonly [keyof TmpfsOptions | 'readOnly' | null, boolean]>> = {
  ro: ['readOnly', true], rw: ['readOnly', false],
  nosuid: ['nosuid', true], suid: ['nosuid', false],
  nodev: ['nodev', true], dev: ['nodev', false],
  noexec: ['noexec', true], exec: ['noexec', false],
  strictatime: [null, true], relatime: [null, true], noatime: [null, true], nostrictatime: [null, true],
  defaults: [null, true],
};

export function parseTmpfsOptions(setting: string, options: string): ParsedTmpfsOptions {
  const tmpfs: Mutable<TmpfsOptions> = { mode: 0o755, nosuid: false, nodev: true, noexec: false };
  let readOnly = false;
  const diagnostics: SandboxDiagnostic[] = [];
  const bad = (word: string): void => {
    diagnostics.push({ level: 'error', setting, message: `unsupported tmpfs option "${word}"` });
  };
  for (const word of options.split(',').filter((w) => w !== '')) {
    const eq = word.indexOf('=');
    if (eq < 0) {
      const flag = FLAG_WORDS[word];
      if (!flag) bad(word);
      else if (flag[0] === 'readOnly') readOnly = flag[1];
      else if (flag[0] === 'nosuid' || flag[0] === 'nodev' || flag[0] === 'noexec') tmpfs[flag[0]] = flag[1];
      continue;
    }
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (key === 'mode' && /^[0-7]{1,4}$/.test(value)) tmpfs.mode = parseInt(value, 8);
    else if (key === 'size' && parseSize(value) !== undefined) tmpfs.sizeBytes = parseSize(value) as number;
    else if (key === 'nr_inodes' && parseSize(value) !== undefined) tmpfs.nrInodes = parseSize(value) as number;
    else bad(word);
  }
  return { tmpfs, readOnly, diagnostics };
}
