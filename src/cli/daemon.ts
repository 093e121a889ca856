// `nsbox daemon`: the service manager in the foreground until SIGTERM/SIGINT, which stop every
// service first. --runtime-dir/--state-dir (or NSBOX_RUNTIME_DIR/NSBOX_STATE_DIR) move its files;
// SYSTEMD_UNIT_PATH picks the unit search path as in systemd; --journal-max-use (or
// NSBOX_JOURNAL_MAX_USE) bounds the journal.
import { startDaemon } from '../manager/daemon.js';
import { managerPaths } from '../manager/paths.js';
import { parseSize } from './journalctl-args.js';

const USAGE = `usage: nsbox daemon [--runtime-dir=DIR] [--state-dir=DIR] [--journal-max-use=SIZE]

Run the service manager in the foreground.

     --runtime-dir=DIR  Control socket and runtime files (default: $NSBOX_RUNTIME_DIR or /run/nsbox)
     --state-dir=DIR    The journal and other state (default: $NSBOX_STATE_DIR or /var/lib/nsbox)
     --journal-max-use=SIZE
                        The journal's bound, as journald's SystemMaxUse= (default:
                        $NSBOX_JOURNAL_MAX_USE or 10% of its file system, at most 4G)
  -h --help             Show this help
Units are searched for as systemd does; SYSTEMD_UNIT_PATH replaces the search path.
`;

export async function main(args: readonly string[]): Promise<number> {
  const opts: { runtimeDir?: string; stateDir?: string } = {};
  let maxUseText = process.env['NSBOX_JOURNAL_MAX_USE'] || undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [key, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (key === '-h' || key === '--help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (key === '--journal-max-use') {
      maxUseText = inline ?? args[++i];
      continue;
    }
    if (key === '--runtime-dir' || key === '--state-dir') {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') {
        process.stderr.write(`nsbox daemon: ${key} needs a directory\n`);
        return 1;
      }
      if (key === '--runtime-dir') opts.runtimeDir = value;
      else opts.stateDir = value;
      continue;
    }
    process.stderr.write(`nsbox daemon: unknown option ${a}\n${USAGE}`);
    return 1;
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('nsbox daemon: must run as root\n');
    return 1;
  }
  const journalMaxUse = maxUseText !== undefined ? parseSize(maxUseText) : undefined;
  if (maxUseText !== undefined && journalMaxUse === undefined) {
    process.stderr.write(`nsbox daemon: --journal-max-use=${maxUseText}: not a size (bytes, or with K, M, G, T)\n`);
    return 1;
  }
  const unitPath = process.env['SYSTEMD_UNIT_PATH'];
  const daemon = await startDaemon({ ...managerPaths(opts), ...(unitPath !== undefined ? { unitPath } : {}), ...(journalMaxUse !== undefined ? { journalMaxUse } : {}) });
  process.stderr.write(`nsbox daemon: listening on ${daemon.socketPath}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await daemon.close();
  return 0;
}
