// A tree's /etc/passwd and /etc/group, read once, as the planner's UserDatabase.
import { readFileSync } from 'node:fs';
import type { UserDatabase } from '../sandbox/credentials.js';
import { parseUserDatabase } from '../sandbox/passwd.js';
import { readTreeFile } from '../machines/tree-files.js';

export { parseUserDatabase };

const hostFileOrEmpty = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // a host without the file: only systemd's synthesized root and nobody exist
  }
};

/**
 * The user database of the tree at `root` (a host path; '/' for the host). Another tree's files
 * are read inside it: its links can never make nsbox read the host's (or hang on a FIFO).
 */
export const readUserDatabase = (root: string): UserDatabase =>
  root === '/'
    ? parseUserDatabase(hostFileOrEmpty('/etc/passwd'), hostFileOrEmpty('/etc/group'))
    : parseUserDatabase(readTreeFile(root, '/etc/passwd') ?? '', readTreeFile(root, '/etc/group') ?? '');
