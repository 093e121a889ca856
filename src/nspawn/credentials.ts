// nspawn's --set-credential=ID:VALUE and --load-credential=ID:PATH: credentials for the payload,
// in a read-only file system at /run/host/credentials named by $CREDENTIALS_DIRECTORY. Seen with
// systemd-nspawn 252: the directory is mode 0500 and read-only (nosuid, nodev, noexec; a ramfs
// there, a tmpfs here), each credential a file of mode 0400; a VALUE has C escapes (`\n`)
// resolved; an ID is a file name; the same ID twice is refused.
import type { Op } from '../plan/types.js';
import { rootPath } from '../plan/types.js';
import { cunescape } from '../unit/words.js';
import { UnitValueError } from '../unit/errors.js';
import { NspawnUsageError } from './errors.js';

export const CREDENTIALS_DIRECTORY = '/run/host/credentials';

/** A credential as the command line gives it; a file's bytes are read by the edge. */
export type CredentialSpec =
  | { readonly id: string; readonly kind: 'value'; readonly value: string }
  | { readonly id: string; readonly kind: 'file'; readonly path: string };

/** A credential with its bytes, ready for the plan. */
export interface Credential {
  readonly id: string;
  readonly content: Uint8Array;
}

/** credential_name_valid(): a file name of at most 255 bytes. */
const validId = (id: string): boolean => id !== '' && id !== '.' && id !== '..' && !id.includes('/') && new TextEncoder().encode(id).length <= 255;

export function parseCredential(option: '--set-credential' | '--load-credential', value: string, known: readonly CredentialSpec[]): CredentialSpec {
  const colon = value.indexOf(':');
  if (colon < 0) throw new NspawnUsageError(option, `expects ID:${option === '--set-credential' ? 'VALUE' : 'PATH'}, got "${value}"`);
  const id = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (!validId(id)) throw new NspawnUsageError(option, `"${id}" is not a valid credential name`);
  if (known.some((c) => c.id === id)) throw new NspawnUsageError(option, `duplicate credential "${id}"`);
  if (option === '--load-credential') {
    if (rest === '') throw new NspawnUsageError(option, `no path for credential "${id}"`);
    return { id, kind: 'file', path: rest };
  }
  try {
    return { id, kind: 'value', value: cunescape(rest) };
  } catch (e) {
    if (e instanceof UnitValueError) throw new NspawnUsageError(option, `invalid escape in the value of "${id}"`);
    throw e;
  }
}

/**
 * The file system at CREDENTIALS_DIRECTORY. `mountPoint` goes before /run/host turns read-only
 * (it makes the directory); `contents` after, on the new mount.
 */
export function credentialOps(credentials: readonly Credential[]): { readonly mountPoint: Op[]; readonly contents: Op[] } {
  if (credentials.length === 0) return { mountPoint: [], contents: [] };
  const dir = CREDENTIALS_DIRECTORY;
  const sealed = { readOnly: true, nosuid: true, nodev: true, noexec: true } as const;
  return {
    mountPoint: [{ kind: 'mkdir', path: rootPath(dir), mode: 0o500, parents: false }],
    contents: [
      { kind: 'tmpfs', target: rootPath(dir), mode: 0o700, flags: { nosuid: true, nodev: true, noexec: true }, create: 'no' },
      ...credentials.map((c): Op => ({ kind: 'write-file', path: rootPath(`${dir}/${c.id}`), content: c.content, mode: 0o400 })),
      { kind: 'chmod', path: rootPath(dir), mode: 0o500 },
      { kind: 'remount', target: rootPath(dir), recursive: false, flags: sealed, optional: false },
    ],
  };
}
