// `nsbox journalctl`: the daemon's journal, as journalctl shows it: -u UNIT, -n N, -p PRIORITY,
// -o short|cat|json, -f (follow until interrupted).
import { formatCat, formatJson, formatShort } from '../journal/format.js';
import { PRIORITY_NAMES } from '../journal/types.js';
import { ManagerClient } from '../manager/client.js';
import { ManagerConnectionError } from '../manager/errors.js';
import type { JournalEntry } from '../journal/types.js';

const USAGE = `usage: nsbox journalctl [OPTIONS...]

Query the nsbox journal.

  -u --unit=UNIT         Show logs from the specified unit
  -n --lines=N           Number of journal entries to show
  -p --priority=PRIO     Show entries with the specified priority (0-7 or a name) or more important
  -o --output=MODE       short (default), cat or json
  -f --follow            Show the newest entries and wait for more
  -q --quiet             Do not show info messages
     --no-pager          Do not pipe output into a pager (there is none)
  -h --help              Show this help
`;

type Mode = 'short' | 'cat' | 'json';
const MODES: readonly Mode[] = ['short', 'cat', 'json'];

export async function main(args: readonly string[]): Promise<number> {
  const units: string[] = [];
  let lines: number | undefined;
  let priority: number | undefined;
  let mode: Mode = 'short';
  let follow = false;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const key = eq > 0 ? a.slice(0, eq) : a.length > 2 && /^-[unpo]/.test(a) ? a.slice(0, 2) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : key !== a ? a.slice(2) : undefined;
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`option '${key}' requires an argument`);
      return v;
    };
    try {
      if (key === '-h' || key === '--help') return (process.stdout.write(USAGE), 0);
      else if (key === '-u' || key === '--unit') units.push(mangle(value()));
      else if (key === '-n' || key === '--lines') {
        const v = value();
        lines = v === 'all' ? undefined : Number(v.replace(/^\+/, ''));
        if (lines !== undefined && (!Number.isInteger(lines) || lines < 0)) throw new UsageError(`Failed to parse lines '${v}'`);
      } else if (key === '-p' || key === '--priority') {
        const v = value();
        const n = /^[0-7]$/.test(v) ? Number(v) : PRIORITY_NAMES.indexOf(v as (typeof PRIORITY_NAMES)[number]);
        if (n < 0) throw new UsageError(`Failed to parse priority value: ${v}`);
        priority = n;
      } else if (key === '-o' || key === '--output') {
        const v = value();
        if (!MODES.includes(v as Mode)) throw new UsageError(`Unknown output format '${v}'.`);
        mode = v as Mode;
      } else if (key === '-f' || key === '--follow') follow = true;
      else if (key === '-q' || key === '--quiet') quiet = true;
      else if (key === '--no-pager' || key === '-b' || key === '--boot') continue;
      else throw new UsageError(`unrecognized option '${a}'`);
    } catch (e) {
      if (e instanceof UsageError) return (process.stderr.write(`journalctl: ${e.message}\n`), 1);
      throw e;
    }
  }
  if (follow && lines === undefined) lines = 10;
  const client = new ManagerClient();
  const print = (entries: readonly JournalEntry[], hostname: string): void => {
    const text = entries.map((e) => (mode === 'cat' ? formatCat(e) : mode === 'json' ? formatJson(e, hostname) : formatShort(e, hostname)));
    if (text.length) process.stdout.write(text.join('\n') + '\n');
  };
  try {
    // One unit per query; several -u are merged by cursor, as journalctl interleaves them.
    const queries = units.length > 0 ? units : [undefined];
    const fetch = async (q: { last?: number; after?: number; waitMs?: number }) => {
      const answers = await Promise.all(queries.map((unit) => client.journal({ ...(unit !== undefined ? { unit } : {}), ...(priority !== undefined ? { priority } : {}), ...q })));
      let entries = answers.flatMap((a) => a.entries).sort((x, y) => x.cursor - y.cursor);
      if (q.last !== undefined) entries = entries.slice(Math.max(0, entries.length - q.last));
      return { hostname: answers[0]?.hostname ?? '', entries };
    };
    const first = await fetch(lines !== undefined ? { last: lines } : {});
    if (first.entries.length === 0 && !quiet && !follow) process.stdout.write('-- No entries --\n');
    print(first.entries, first.hostname);
    if (!follow) return 0;
    let cursor = first.entries.at(-1)?.cursor ?? (await client.journal({ last: 1 })).entries.at(-1)?.cursor ?? 0;
    let stopped = false;
    const stop = (): void => void (stopped = true);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    while (!stopped) {
      const next = await fetch({ after: cursor, waitMs: 1000 });
      print(next.entries, next.hostname);
      cursor = next.entries.at(-1)?.cursor ?? cursor;
    }
    return 0;
  } catch (e) {
    if (e instanceof ManagerConnectionError) return (process.stderr.write(`${e.message}\n`), 1);
    throw e;
  }
}

/** A bad command line: caught in main() and printed as journalctl prints it. */
class UsageError {
  constructor(readonly message: string) {}
}

const mangle = (name: string): string => (name.includes('.') ? name : `${name}.service`);
