/** Directories a merged-/usr tree has as symlinks into /usr. */
export const MERGED_USR_DIRS = ['bin', 'sbin', 'lib', 'lib64'] as const;
