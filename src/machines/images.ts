// Images by name: `-M NAME` without `-D` looks where machinectl and nspawn look (directories
// only here; raw disk images are not supported yet).
import { statSync } from 'node:fs';
import { NoSuchImageError } from '../nspawn/errors.js';

export const IMAGE_SEARCH_PATH = ['/etc/machines', '/run/machines', '/var/lib/machines', '/usr/local/lib/machines', '/usr/lib/machines'] as const;

/** The image search path; NSBOX_IMAGE_PATH (colon-separated) replaces it, the first entry being where new images go. */
export function imageSearchPath(): readonly string[] {
  const custom = process.env['NSBOX_IMAGE_PATH'];
  return custom !== undefined && custom !== '' ? custom.split(':').filter(Boolean) : IMAGE_SEARCH_PATH;
}

/** Where new images go: /var/lib/machines, or NSBOX_IMAGE_PATH's first directory. */
export function imageStoreDir(): string {
  const custom = process.env['NSBOX_IMAGE_PATH'];
  return custom !== undefined && custom !== '' ? imageSearchPath()[0]! : '/var/lib/machines';
}

export function findImage(name: string, searchPath: readonly string[] = imageSearchPath()): string {
  for (const dir of searchPath) {
    const path = `${dir}/${name}`;
    try {
      if (statSync(path).isDirectory()) return path;
    } catch {
      // not here
    }
  }
  throw new NoSuchImageError(name, searchPath);
}
