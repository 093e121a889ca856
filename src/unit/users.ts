// User and group records, and the ones systemd synthesizes before it asks any user database.

export interface UserRecord {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface GroupRecord {
  readonly name: string;
  readonly gid: number;
}

/**
 * systemd 252's synthesized records, which win over the user database: root always has /root and
 * the build's default user shell (/bin/bash in Debian's build), whatever passwd says; nobody has
 * neither home nor shell ('' here: no HOME=, no SHELL=), though Debian's passwd gives it
 * /nonexistent. Measured with User= services under Debian 12's systemd 252 (passwd edited to
 * other homes and shells): HOME=/root SHELL=/bin/bash, and no HOME/SHELL for nobody. The
 * specifiers %h and %s of the system manager (root) come from the same place (get_home_dir(),
 * get_shell() hard-code root).
 */
export const ROOT_USER: UserRecord = { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' };
export const NOBODY_USER: UserRecord = { name: 'nobody', uid: 65534, gid: 65534, home: '', shell: '' };
export const SYNTHESIZED_USERS: readonly UserRecord[] = [ROOT_USER, NOBODY_USER];
export const SYNTHESIZED_GROUPS: readonly GroupRecord[] = [{ name: 'root', gid: 0 }, { name: 'nobody', gid: 65534 }];
