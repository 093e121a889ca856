// A tree's /etc/passwd and /etc/group, read once, as the planner's UserDatabase.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UserDatabase } from '../sandbox/credentials.js';
import { parseUserDatabase } from '../sandbox/passwd.js';

export { parseUserDatabase };

const readOrEmpty = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // a tree without the file: only systemd's synthesized root and nobody exist
  }
};

/** The user database of the tree at `root` (a host path; '/' for the host). */
export const readUserDatabase = (root: string): UserDatabase =>
  parseUserDatabase(readOrEmpty(join(root, 'etc/passwd')), readOrEmpty(join(root, 'etc/group')));
