// `nsbox journalctl`: the daemon's journal, as journalctl shows it: -u UNIT, -n N, -p PRIO or a
// range, --since/--until, -b [ID|OFFSET], -o MODE, -r, -f, -e, --no-tail; --list-boots,
// --disk-usage, --vacuum-size=/--vacuum-time= (cli/journalctl-args.ts reads the options).
import { formatCat, formatJson, formatJsonPretty, formatShort, formatVerbose, fullTimestamp, type ShortStyle } from '../journal/format.js';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { JournalStore } from '../journal/store.js';
import { ManagerClient, type JournalRequest } from '../manager/client.js';
import { ManagerConnectionError } from '../manager/errors.js';
import { journalPath, managerPaths } from '../manager/paths.js';
import type { JournalEntry, Priority } from '../journal/types.js';
import type { JournalAnswer, JournalBootsAnswer, JournalUsageAnswer, JournalVacuumAnswer } from '../manager/protocol.js';
import { formatBytes, JournalctlUsageError, parseJournalctlArgs, resolveBoot, type JournalctlArgs, type OutputMode } from './journalctl-args.js';

const USAGE = `usage: nsbox journalctl [OPTIONS...]

Query the nsbox journal.

  -u --unit=UNIT           Show logs from the specified unit
  -b --boot[=ID]           Show current boot or the specified boot (ID, or an offset: 0, -1, ...)
  -S --since=DATE          Show entries not older than the specified date
  -U --until=DATE          Show entries not newer than the specified date
  -p --priority=RANGE      Show entries with the specified priority (0-7, a name, or FROM..TO)
  -n --lines[=N]           Number of journal entries to show (10 without N)
  -o --output=MODE         short (default), short-iso, short-iso-precise, short-precise,
                           short-full, short-monotonic, short-unix, verbose, json,
                           json-pretty or cat
  -r --reverse             Show the newest entries first
  -f --follow              Show the newest entries and wait for more
  -e --pager-end           Show the last 1000 entries (there is no pager to jump to the end of)
     --no-tail             Show all entries, even in follow mode
  -q --quiet               Do not show info messages
     --no-pager            Do not pipe output into a pager (there is none)
     --list-boots          Show terse information about recorded boots
     --disk-usage          Show the total disk usage of the journal
     --vacuum-size=BYTES   Reduce the journal below the specified size
     --vacuum-time=TIME    Remove entries older than the specified time
  -h --help                Show this help
`;

function formatterFor(mode: OutputMode): (e: JournalEntry, hostname: string) => string {
  switch (mode) {
    case 'cat': return formatCat;
    case 'json': return formatJson;
    case 'json-pretty': return formatJsonPretty;
    case 'verbose': return formatVerbose;
    default: return (e, host) => formatShort(e, host, mode satisfies ShortStyle);
  }
}

const nowUs = (): number => Date.now() * 1000;

/** What journalctl reads: the daemon over its socket, or the journal file itself. */
type JournalSource = Pick<ManagerClient, 'journal' | 'journalBoots' | 'journalUsage' | 'journalVacuum'>;

/**
 * The journal file read directly, as journalctl reads journald's files whether journald runs or
 * not: so the logs stay readable while the daemon is down (after a kill -9, say). Read-only;
 * vacuuming needs the daemon.
 */
class JournalFile implements JournalSource {
  private readonly store: JournalStore;
  constructor(path: string) {
    this.store = new JournalStore(path, undefined, { readOnly: true });
  }
  async journal(q: JournalRequest = {}): Promise<JournalAnswer> {
    const query = () => this.store.query({
      ...(q.unit !== undefined || q.units !== undefined ? { units: [...(q.unit !== undefined ? [q.unit] : []), ...(q.units ?? [])] } : {}),
      ...(q.last !== undefined ? { last: q.last } : {}), ...(q.after !== undefined ? { afterCursor: q.after } : {}),
      ...(q.priority !== undefined ? { maxPriority: q.priority as Priority } : {}), ...(q.minPriority !== undefined ? { minPriority: q.minPriority as Priority } : {}),
      ...(q.sinceUs !== undefined ? { sinceUs: q.sinceUs } : {}), ...(q.untilUs !== undefined ? { untilUs: q.untilUs } : {}), ...(q.bootId !== undefined ? { bootId: q.bootId } : {}),
    });
    let entries = query();
    // Following a file: look again every 250 ms until something comes or the wait is over.
    for (const deadline = Date.now() + (q.waitMs ?? 0); entries.length === 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      entries = query();
    }
    return { hostname: hostname(), entries };
  }
  async journalBoots(): Promise<JournalBootsAnswer> {
    let currentBootId = '';
    try {
      currentBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', '');
    } catch {
      // no /proc: -b 0 then matches nothing
    }
    return { currentBootId, boots: this.store.boots() };
  }
  async journalUsage(): Promise<JournalUsageAnswer> {
    return { path: this.store.path, bytes: this.store.diskUsage() };
  }
  journalVacuum(): Promise<JournalVacuumAnswer> {
    return Promise.reject(new ManagerConnectionError('Vacuuming needs the daemon (nsbox daemon), which writes the journal.', this.store.path));
  }
}

/** The daemon if it answers, else its journal file when there is one (journalctl needs no journald). */
async function journalSource(): Promise<JournalSource> {
  const client = new ManagerClient();
  try {
    await client.journal({ last: 0 });
    return client;
  } catch (e) {
    const file = journalPath(managerPaths().stateDir);
    if (!(e instanceof ManagerConnectionError) || !existsSync(file)) throw e;
    return new JournalFile(file);
  }
}

export async function main(args: readonly string[]): Promise<number> {
  let opts: JournalctlArgs;
  try {
    opts = parseJournalctlArgs(args, nowUs());
  } catch (e) {
    if (e instanceof JournalctlUsageError) return (process.stderr.write(`${e.message}\n`), 1);
    throw e;
  }
  try {
    const client = opts.action.kind === 'help' ? undefined : await journalSource();
    if (client === undefined) return (process.stdout.write(USAGE), 0);
    switch (opts.action.kind) {
      case 'help': return (process.stdout.write(USAGE), 0);
      case 'disk-usage': {
        const usage = await client.journalUsage();
        process.stdout.write(`Archived and active journals take up ${formatBytes(usage.bytes)} in the file system.\n`);
        return 0;
      }
      case 'vacuum': {
        const { kind: _, ...vacuum } = opts.action;
        const done = await client.journalVacuum(vacuum);
        process.stderr.write(`Vacuuming done, freed ${formatBytes(done.freedBytes)} of archived journals from ${done.path}.\n`);
        return 0;
      }
      case 'list-boots': return listBoots(await client.journalBoots(), opts.quiet);
      case 'show': return await show(client, opts);
    }
  } catch (e) {
    if (e instanceof ManagerConnectionError) return (process.stderr.write(`${e.message}\n`), 1);
    throw e;
  }
}

/** journalctl's --list-boots table: the offset, the id, the first and the last entry's times. */
function listBoots(answer: JournalBootsAnswer, quiet: boolean): number {
  if (answer.boots.length === 0) return (process.stderr.write('No journal boot entry found from the specified boot offset.\n'), 1);
  const rows = answer.boots.map((b, i) => [String(i - answer.boots.length + 1), b.bootId, fullTimestamp(b.firstUs), fullTimestamp(b.lastUs)]);
  const header = ['IDX', 'BOOT ID', 'FIRST ENTRY', 'LAST ENTRY'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[], header: boolean): string =>
    cells.map((cell, c) => (c === 0 && !header ? cell.padStart(widths[c]!) : c === cells.length - 1 ? cell : cell.padEnd(widths[c]!))).join(' ');
  process.stdout.write([...(quiet ? [] : [line(header, true)]), ...rows.map((r) => line(r, false))].join('\n') + '\n');
  return 0;
}

async function show(client: JournalSource, opts: JournalctlArgs): Promise<number> {
  let bootId: string | undefined;
  if (opts.boot !== undefined) {
    bootId = resolveBoot(opts.boot, await client.journalBoots());
    if (bootId === undefined) {
      const name = opts.boot.id !== undefined ? `${opts.boot.id}${opts.boot.offset !== 0 ? (opts.boot.offset > 0 ? `+${opts.boot.offset}` : opts.boot.offset) : ''}` : String(opts.boot.offset);
      process.stderr.write(`Data from the specified boot (${name}) is not available: No such boot ID in journal\n`);
      return 1;
    }
  }
  const filter: JournalRequest = {
    ...(opts.units.length > 0 ? { units: opts.units } : {}),
    ...(opts.maxPriority !== undefined ? { priority: opts.maxPriority } : {}),
    ...(opts.minPriority !== undefined && opts.minPriority > 0 ? { minPriority: opts.minPriority } : {}),
    ...(opts.sinceUs !== undefined ? { sinceUs: opts.sinceUs } : {}),
    ...(opts.untilUs !== undefined ? { untilUs: opts.untilUs } : {}),
    ...(bootId !== undefined ? { bootId } : {}),
  };
  const format = formatterFor(opts.mode);
  const print = (entries: readonly JournalEntry[], hostname: string): void => {
    if (entries.length === 0) return;
    const text = (opts.reverse ? [...entries].reverse() : entries).map((e) => format(e, hostname));
    process.stdout.write(text.join('\n') + '\n');
  };
  let cursor = 0;
  let shown = 0;
  if (opts.lines !== undefined) {
    const answer = await client.journal({ ...filter, last: opts.lines });
    print(answer.entries, answer.hostname);
    shown = answer.entries.length;
    cursor = answer.entries.at(-1)?.cursor ?? 0;
  } else if (opts.reverse) {
    // Newest first over everything: the whole answer is needed before the first line.
    const all: JournalEntry[] = [];
    let hostname = '';
    for (let more = true; more;) {
      const page = await client.journal({ ...filter, ...(cursor > 0 ? { after: cursor } : {}) });
      all.push(...page.entries);
      hostname = page.hostname;
      cursor = page.entries.at(-1)?.cursor ?? cursor;
      more = page.more === true;
    }
    print(all, hostname);
    shown = all.length;
  } else {
    for (let more = true; more;) {
      const page = await client.journal({ ...filter, ...(cursor > 0 ? { after: cursor } : {}) });
      print(page.entries, page.hostname);
      shown += page.entries.length;
      cursor = page.entries.at(-1)?.cursor ?? cursor;
      more = page.more === true;
    }
  }
  if (shown === 0 && !opts.quiet && !opts.follow) process.stdout.write('-- No entries --\n');
  if (!opts.follow) return 0;
  // Following starts after the newest entry of the whole journal, matching or not.
  if (cursor === 0) cursor = (await client.journal({ last: 1 })).entries.at(-1)?.cursor ?? 0;
  let stopped = false;
  const stop = (): void => void (stopped = true);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopped) {
    const next = await client.journal({ ...filter, after: cursor, waitMs: 1000 });
    print(next.entries, next.hostname);
    cursor = next.entries.at(-1)?.cursor ?? cursor;
  }
  return 0;
}
