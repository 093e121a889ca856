// What a .nspawn file outside /etc/systemd/nspawn and /run/systemd/nspawn (an untrusted one) loses,
// shared by the parser (which marks each key) and the merge (which warns as nspawn does).

/** In the kernel's RLIMIT_* order, which is the order nspawn warns in. */
export const RLIMITS = ['CPU', 'FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'NPROC', 'NOFILE', 'MEMLOCK', 'AS', 'LOCKS', 'SIGPENDING', 'MSGQUEUE', 'NICE', 'RTPRIO', 'RTTIME'] as const;

/**
 * What an untrusted file loses, in the order nspawn warns, with nspawn's words ("Ignoring WHAT,
 * file F is not trusted."); the later ones quote the file name, as nspawn 252 does.
 */
export const UNTRUSTED = [
  'ephemeral setting', 'Capability= setting', 'AmbientCapability= setting', 'MachineID= setting',
  'TemporaryFileSystem=, Bind= and BindReadOnly= settings', 'network settings', 'Port= setting',
  'PrivateUsers= and PrivateUsersChown= settings', 'bind user setting', 'SystemCallFilter= settings',
  ...RLIMITS.map((l) => `Limit${l}= setting` as const), 'OOMScoreAdjust= setting', 'CPUAffinity= setting', 'journal link setting',
] as const;
export type Privileged = (typeof UNTRUSTED)[number];
const QUOTED_FROM = UNTRUSTED.indexOf('LimitCPU= setting');

/** nspawn's warnings for what an untrusted file lost, in its order. */
export const untrustedWarnings = (lost: ReadonlySet<Privileged>, file: string): string[] =>
  UNTRUSTED.map((what, i) => ({ what, i })).filter(({ what }) => lost.has(what))
    .map(({ what, i }) => `Ignoring ${what}, file ${i >= QUOTED_FROM ? `'${file}'` : file} is not trusted.`);
