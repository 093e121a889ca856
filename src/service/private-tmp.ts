// A unit's private /tmp and /var/tmp (PrivateTmp=): one pair per unit, shared by all its commands,
// as systemd keeps them under /tmp/systemd-private-* for the unit's lifetime.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateTmpDirs } from '../sandbox/mount-list.js';

export interface PrivateTmp extends PrivateTmpDirs {
  remove(): void;
}

const safeName = (unit: string): string => unit.replace(/[^A-Za-z0-9_.@-]/g, '_');

/** Where analyze shows the directories would be; nothing is created. */
export const plannedPrivateTmpDirs = (unit: string): PrivateTmpDirs => ({
  tmp: `/tmp/nsbox-private-${safeName(unit)}-XXXXXX/tmp`,
  varTmp: `/var/tmp/nsbox-private-${safeName(unit)}-XXXXXX/tmp`,
});

/** Creates the pair (mode 1777 inside 0700 parents, as systemd does) under `base` dirs. */
export function createPrivateTmp(unit: string, base: { tmp: string; varTmp: string } = { tmp: '/tmp', varTmp: '/var/tmp' }): PrivateTmp {
  const parents = [base.tmp, base.varTmp].map((b) => mkdtempSync(join(b, `nsbox-private-${safeName(unit)}-`)));
  const [tmp, varTmp] = parents.map((p) => {
    chmodSync(p, 0o700);
    const dir = join(p, 'tmp');
    mkdirSync(dir);
    chmodSync(dir, 0o1777);
    return dir;
  }) as [string, string];
  return { tmp, varTmp, remove: () => { for (const p of parents) rmSync(p, { recursive: true, force: true }); } };
}
