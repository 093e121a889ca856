// RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory=, ConfigurationDirectory=:
// made on the host before the first command, as systemd's setup_exec_directory() makes them:
// parents root-owned 0755, the directory itself with *DirectoryMode= and owned by User=/Group=
// (an existing one that belongs to someone else is chowned through, as systemd does); the
// runtime ones are removed when the unit stops unless RuntimeDirectoryPreserve= keeps them.
import { chmodSync, chownSync, lchownSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXEC_DIRECTORY_PREFIX, EXEC_DIRECTORY_TYPES, type ExecSettings } from '../unit/exec-settings.js';
import { lookupGroup, lookupUser, type UserDatabase } from '../sandbox/credentials.js';

export interface ExecDirectoryError {
  readonly path: string;
  readonly message: string;
}

function chownTree(path: string, uid: number, gid: number): void {
  lchownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

/** The owner the directories get: User= (its primary group) and Group=; root without them. */
export function execDirectoryOwner(exec: ExecSettings, db: UserDatabase): { uid: number; gid: number } {
  const user = exec.user !== undefined ? lookupUser(db, exec.user) : undefined;
  const group = exec.group !== undefined ? lookupGroup(db, exec.group) : undefined;
  return { uid: user?.uid ?? 0, gid: group?.gid ?? user?.gid ?? 0 };
}

/** Makes every *Directory= of the unit; throws an Error naming the path that failed. */
export function createExecDirectories(exec: ExecSettings, db: UserDatabase): void {
  const { uid, gid } = execDirectoryOwner(exec, db);
  for (const t of EXEC_DIRECTORY_TYPES) {
    for (const rel of exec.execDirectories[t]) {
      const path = `${EXEC_DIRECTORY_PREFIX[t]}/${rel}`;
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
        mkdirSync(path, { recursive: true, mode: exec.execDirectoryModes[t] });
        const st = statSync(path);
        if (st.uid !== uid || st.gid !== gid) {
          if (t === 'runtime') chownSync(path, uid, gid);
          else chownTree(path, uid, gid);
        }
        chmodSync(path, exec.execDirectoryModes[t]);
      } catch (e) {
        throw new Error(`Failed to set up ${t} directory ${path}: ${(e as Error).message}`);
      }
    }
  }
}

/** Removes the unit's RuntimeDirectory= paths (on stop, unless preserved). */
export function removeRuntimeDirectories(exec: ExecSettings): void {
  for (const rel of exec.execDirectories.runtime) rmSync(`${EXEC_DIRECTORY_PREFIX.runtime}/${rel}`, { recursive: true, force: true });
}
