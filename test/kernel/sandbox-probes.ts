// Probes for a service's sandbox, run from inside it, shared by the nsbox kernel tests
// (sandbox-views) and the systemd 252 reference run (sandbox-reference): the same script must
// print the same lines under both. Paths are parameters, since each run has its own layout.

/** Shell helpers every probe starts with: a mount's first option (ro/rw), how often a path is listed. */
export const PRELUDE = [
  'opt() { awk -v p="$1" \'$5==p{o=$6} END{print o}\' /proc/self/mountinfo | cut -d, -f1; }',
  'cnt() { awk -v p="$1" \'$5==p\' /proc/self/mountinfo | wc -l; }',
  'w() { if touch "$1/.nsbox-probe" 2>/dev/null; then rm -f "$1/.nsbox-probe"; echo rw; else echo ro; fi; }',
  'seen() { if ls "$1" >/dev/null 2>&1; then echo visible; else echo hidden; fi; }',
].join('\n');

export interface Probe {
  readonly script: string;
  readonly expect: readonly string[];
}

/** PrivateDevices=yes alone: a read-only tmpfs /dev holding the host's /dev/pts and /dev/shm. */
export const privateDevicesProbe: Probe = {
  script: 'opt /dev; grep -q " /dev/pts .* - devpts " /proc/self/mountinfo && echo pts; ' +
    'grep -q " /dev/shm .* - tmpfs " /proc/self/mountinfo && echo shm; test -c /dev/null && echo null; seen /dev/kmsg',
  expect: ['ro', 'pts', 'shm', 'null', 'hidden'],
};

/** ProtectHome=tmpfs + BindReadOnlyPaths=DIR, DIR a directory below /home holding `file` ("home"). */
export const protectHomeBindProbe = (dir: string): Probe => ({
  script: `cat ${dir}/file; w ${dir}; ls /home | wc -l`,
  expect: ['home', 'ro', '1'],
});

/** TemporaryFileSystem=D:ro + BindReadOnlyPaths=D/keep, keep holding `file` ("kept"). */
export const temporaryFileSystemBindProbe = (d: string): Probe => ({
  script: `cat ${d}/keep/file; ls ${d}; w ${d}; w ${d}/keep`,
  expect: ['kept', 'keep', 'ro', 'ro'],
});

/** ProtectControlGroups=yes: /sys/fs/cgroup and each mount below listed once, all read-only. */
export const protectControlGroupsProbe: Probe = {
  script: 'cnt /sys/fs/cgroup; opt /sys/fs/cgroup; ' +
    'awk \'$5 ~ "^/sys/fs/cgroup/" {print $5}\' /proc/self/mountinfo | sort | uniq -d | wc -l; ' +
    'awk \'$5 ~ "^/sys/fs/cgroup/" && $6 !~ /^ro/\' /proc/self/mountinfo | wc -l',
  expect: ['1', 'ro', '0', '0'],
};

/** ReadOnlyPaths=/dev/shm: as often listed as outside (`outside` times), the top one read-only. */
export const readOnlyMountPointProbe = (outside: number): Probe => ({
  script: 'cnt /dev/shm; opt /dev/shm; w /dev/shm',
  expect: [String(outside), 'ro', 'ro'],
});

/** The propagation of the service's "/" : shared, master (slave) or none, as mountinfo tags it. */
export const rootPropagationProbe = (expected: 'shared' | 'none'): Probe => ({
  script: 'awk \'$5=="/"\' /proc/self/mountinfo | grep -o "shared:\\|master:" | head -n1 | tr -d : | grep . || echo none',
  expect: [expected],
});

/** HOME, SHELL, USER, LOGNAME and the uid the service runs with. */
export const userProbe = (env: string, uid: number): Probe => ({
  script: 'echo "[$HOME][$SHELL][$USER][$LOGNAME]"; id -u',
  expect: [env, String(uid)],
});

/** The passwd of the reference run: homes and shells systemd 252 ignores for root and nobody. */
export const EDITED_PASSWD = 'root:x:0:0:root:/srv:/bin/dash\nnobody:x:65534:65534:nobody:/srv:/bin/sh\n' +
  'ghost:x:1234:1234:ghost:/nonexistent:/bin/sh\n';

/** What systemd 252 gave for each user under EDITED_PASSWD. */
export const USER_EXPECTATIONS: readonly { readonly user: string; readonly probe: Probe }[] = [
  { user: 'root', probe: userProbe('[/root][/bin/bash][root][root]', 0) },
  { user: 'nobody', probe: userProbe('[][][nobody][nobody]', 65534) },
  { user: 'ghost', probe: userProbe('[/nonexistent][/bin/sh][ghost][ghost]', 1234) },
];
