// The PATH systemd gives services and nspawn gives containers when nothing sets one (systemd's
// DEFAULT_PATH for a merged-/usr system, as 252 builds it): one value for both.
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
