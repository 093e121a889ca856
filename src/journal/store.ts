// The journal on disk: one SQLite database (better-sqlite3) in the manager's state directory, so
// entries survive restarts of the daemon. Appends come in batches inside one transaction (WAL, so
// readers never block the writer); the size is bounded by dropping the oldest entries.
import Database from 'better-sqlite3';
import type { JournalEntry, JournalQuery, NewJournalEntry, Priority } from './types.js';

/** What an entry costs besides its message, for the size bound (row, indexes). */
const ENTRY_OVERHEAD = 96;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

interface Row {
  cursor: number;
  realtime: number;
  monotonic: number;
  boot: string;
  priority: number;
  unit: string | null;
  pid: number | null;
  invocation: string | null;
  identifier: string | null;
  message: string;
}

const toEntry = (r: Row): JournalEntry => ({
  cursor: r.cursor, realtimeUs: r.realtime, monotonicUs: r.monotonic, bootId: r.boot, priority: r.priority as Priority, message: r.message,
  ...(r.unit !== null ? { unit: r.unit } : {}),
  ...(r.pid !== null ? { pid: r.pid } : {}),
  ...(r.invocation !== null ? { invocationId: r.invocation } : {}),
  ...(r.identifier !== null ? { identifier: r.identifier } : {}),
});

export class JournalStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private bytes: number;

  constructor(path: string, private readonly maxBytes = DEFAULT_MAX_BYTES) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS entries (
      cursor INTEGER PRIMARY KEY AUTOINCREMENT, realtime INTEGER NOT NULL, monotonic INTEGER NOT NULL,
      boot TEXT NOT NULL, priority INTEGER NOT NULL, unit TEXT, pid INTEGER, invocation TEXT, identifier TEXT,
      message TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS entries_unit ON entries (unit, cursor);
      CREATE INDEX IF NOT EXISTS entries_time ON entries (realtime);`);
    this.insert = this.db.prepare(`INSERT INTO entries (realtime, monotonic, boot, priority, unit, pid, invocation, identifier, message)
      VALUES (@realtimeUs, @monotonicUs, @bootId, @priority, @unit, @pid, @invocationId, @identifier, @message)`);
    const size = this.db.prepare(`SELECT COALESCE(SUM(LENGTH(message)), 0) + COUNT(*) * ${ENTRY_OVERHEAD} AS bytes FROM entries`).get() as { bytes: number };
    this.bytes = size.bytes;
  }

  /** Appends entries in one transaction; returns the cursor of the last one (0 for none). */
  append(entries: readonly NewJournalEntry[]): number {
    let last = 0;
    this.db.transaction(() => {
      for (const e of entries) {
        const r = this.insert.run({
          unit: null, pid: null, invocationId: null, identifier: null, ...e,
        });
        last = Number(r.lastInsertRowid);
        this.bytes += Buffer.byteLength(e.message) + ENTRY_OVERHEAD;
      }
    })();
    if (this.bytes > this.maxBytes) this.trim();
    return last;
  }

  /** Drops the oldest entries until the journal holds at most 90% of its bound. */
  private trim(): void {
    const target = Math.floor(this.maxBytes * 0.9);
    const oldest = this.db.prepare('SELECT cursor, LENGTH(message) AS length FROM entries ORDER BY cursor LIMIT 1000');
    while (this.bytes > target) {
      const rows = oldest.all() as { cursor: number; length: number }[];
      if (rows.length === 0) break;
      let upTo = rows[0]!.cursor;
      for (const r of rows) {
        if (this.bytes <= target) break;
        this.bytes -= r.length + ENTRY_OVERHEAD;
        upTo = r.cursor;
      }
      this.db.prepare('DELETE FROM entries WHERE cursor <= ?').run(upTo);
    }
  }

  query(q: JournalQuery = {}): JournalEntry[] {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (q.unit !== undefined) (where.push('unit = @unit'), (args['unit'] = q.unit));
    if (q.maxPriority !== undefined) (where.push('priority <= @maxPriority'), (args['maxPriority'] = q.maxPriority));
    if (q.sinceUs !== undefined) (where.push('realtime >= @sinceUs'), (args['sinceUs'] = q.sinceUs));
    if (q.untilUs !== undefined) (where.push('realtime <= @untilUs'), (args['untilUs'] = q.untilUs));
    if (q.bootId !== undefined) (where.push('boot = @bootId'), (args['bootId'] = q.bootId));
    if (q.afterCursor !== undefined) (where.push('cursor > @afterCursor'), (args['afterCursor'] = q.afterCursor));
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    if (q.last !== undefined) {
      const rows = this.db.prepare(`SELECT * FROM entries ${filter} ORDER BY cursor DESC LIMIT ${Math.max(0, Math.floor(q.last))}`).all(args) as Row[];
      return rows.reverse().map(toEntry);
    }
    return (this.db.prepare(`SELECT * FROM entries ${filter} ORDER BY cursor`).all(args) as Row[]).map(toEntry);
  }

  /** Approximate bytes held (messages plus a fixed cost per entry). */
  get sizeBytes(): number {
    return this.bytes;
  }

  close(): void {
    this.db.close();
  }
}
