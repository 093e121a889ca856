// Images by name: `-M NAME` without `-D` looks where machinectl and nspawn look (directories
// only here; raw disk images are not supported yet).
import { statSync } from 'node:fs';
import { NoSuchImageError } from '../nspawn/errors.js';

export const IMAGE_SEARCH_PATH = ['/etc/machines', '/run/machines', '/var/lib/machines', '/usr/local/lib/machines', '/usr/lib/machines'] as const;

export function findImage(name: string, searchPath: readonly string[] = IMAGE_SEARCH_PATH): string {
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
