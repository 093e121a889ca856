// The journal on disk: one SQLite database (better-sqlite3) in the manager's state directory, so
// entries survive restarts of the daemon. Appends come in batches inside one transaction (WAL, so
// readers never block the writer); the size is bounded by dropping the oldest entries (SystemMaxUse=).
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { JournalEntry, JournalQuery, NewJournalEntry, Priority } from './types.js';

/** The bound when the daemon is given none and cannot measure its file system: journald's cap. */
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
/** What an entry takes besides its message (row, fields, two index entries), to make room ahead. */
const ENTRY_COST = 160;
/** A trim goes down to this share of the bound, so a full journal is not trimmed at every append. */
const TRIM_TO = 0.9;
/** The write-ahead log's share of the bound, and its cap (it counts on disk too). */
const WAL_SHARE = 1 / 8;
const WAL_LIMIT = 4 * 1024 * 1024;
/** The -shm file of a WAL database: 32 KiB for the sizes here. */
const SHM_BYTES = 32 * 1024;

/** One boot as `journalctl --list-boots` lists it. */
export interface BootRecord {
  readonly bootId: string;
  readonly firstUs: number;
  readonly lastUs: number;
}

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
  private pagesInUse: Database.Statement | undefined;
  /** The pages in use as last measured, plus what was appended since. */
  private estimatedBytes = 0;
  private appendedSinceMeasure = 0;
  /** The room the bound keeps for an append (and the write-ahead log's share). */
  private reserveBytes = 0;
  /** The share of the bound the database's pages may use. */
  private maxBytes: number;

  /**
   * `maxBytes` bounds what the journal takes on disk (SystemMaxUse=): the write-ahead log gets an
   * eighth of it (at most 4 MiB: checkpoints come that often and truncate it back), an append
   * before its trim as much again, and the pages the entries and their indexes use the rest; when
   * an append goes over, the oldest entries are removed. Freed pages are reused, so the file
   * stops growing at its share.
   */
  constructor(readonly path: string, maxBytes = DEFAULT_MAX_BYTES, opts: { readonly readOnly?: boolean } = {}) {
    if (opts.readOnly === true) {
      // A reader beside (or without) the daemon, as journalctl reads journald's files: no schema
      // changes, no bound, no writes.
      this.db = new Database(path, { readonly: true, fileMustExist: true });
      this.insert = this.db.prepare('SELECT 1');
      this.maxBytes = maxBytes;
      return;
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.maxBytes = this.applyBound(maxBytes);
    this.db.exec(`CREATE TABLE IF NOT EXISTS entries (
      cursor INTEGER PRIMARY KEY AUTOINCREMENT, realtime INTEGER NOT NULL, monotonic INTEGER NOT NULL,
      boot TEXT NOT NULL, priority INTEGER NOT NULL, unit TEXT, pid INTEGER, invocation TEXT, identifier TEXT,
      message TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS entries_unit ON entries (unit, cursor);
      CREATE INDEX IF NOT EXISTS entries_time ON entries (realtime);`);
    this.insert = this.db.prepare(`INSERT INTO entries (realtime, monotonic, boot, priority, unit, pid, invocation, identifier, message)
      VALUES (@realtimeUs, @monotonicUs, @bootId, @priority, @unit, @pid, @invocationId, @identifier, @message)`);
    if (this.usedBytes > this.maxBytes) this.trimTo(Math.floor(this.maxBytes * TRIM_TO));
    this.measure();
  }

  /** The pages in use, measured now, as the base of the estimate. */
  private measure(): number {
    this.estimatedBytes = this.usedBytes;
    this.appendedSinceMeasure = 0;
    return this.estimatedBytes;
  }

  /**
   * Appends entries in one transaction; returns the cursor of the last one (0 for none).
   * Measuring the pages in use costs a read transaction (~0.1-0.7 ms on a busy machine), too much
   * for every line a service writes: the store adds up what it appends and measures only when
   * that estimate nears the bound, or after an append reserve's worth of bytes, so an estimate
   * that runs low is caught within the reserve the bound keeps for it.
   */
  append(entries: readonly NewJournalEntry[]): number {
    let last = 0;
    const incoming = entries.reduce((sum, e) => sum + Buffer.byteLength(e.message) + ENTRY_COST, 0);
    if (this.estimatedBytes + incoming > this.maxBytes || this.appendedSinceMeasure + incoming > this.reserveBytes) {
      // Room first, so the file does not grow past its share by the batch before the trim after it.
      if (this.measure() + incoming > this.maxBytes) {
        this.trimTo(Math.max(0, Math.min(Math.floor(this.maxBytes * TRIM_TO), this.maxBytes - incoming)));
        this.measure();
      }
    }
    this.db.transaction(() => {
      for (const e of entries) {
        const r = this.insert.run({
          unit: null, pid: null, invocationId: null, identifier: null, ...e,
        });
        last = Number(r.lastInsertRowid);
      }
    })();
    this.estimatedBytes += incoming;
    this.appendedSinceMeasure += incoming;
    return last;
  }

  /** The bytes of the database's pages in use (the file less its free pages). */
  get usedBytes(): number {
    // One statement prepared once: db.pragma() compiles its statement at every call, which cost
    // the daemon ~3 ms per append (a third of a second for 100 oneshots' output).
    this.pagesInUse ??= this.db.prepare('SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()) * 1 AS n, (SELECT page_size FROM pragma_page_size()) AS size');
    const r = this.pagesInUse.get() as { n: number; size: number };
    return r.n * r.size;
  }

  /**
   * Splits a bound between the write-ahead log, the shared-memory index beside it, room for one
   * append to land before its trim, and the pages; returns the pages' share.
   */
  private applyBound(maxBytes: number): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const reserve = Math.min(WAL_LIMIT, Math.max(16 * pageSize, Math.floor(maxBytes * WAL_SHARE)));
    this.db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(reserve / pageSize))}`);
    this.db.pragma(`journal_size_limit = ${reserve}`);
    this.reserveBytes = reserve;
    return Math.max(0, maxBytes - 2 * reserve - SHM_BYTES);
  }

  /** A new bound, applied at once. */
  setMaxBytes(maxBytes: number): void {
    this.maxBytes = this.applyBound(maxBytes);
    if (this.usedBytes > this.maxBytes) this.trimTo(Math.floor(this.maxBytes * TRIM_TO));
    this.measure();
  }

  /**
   * Removes the oldest entries until the pages in use fit `target`: a share of the entries at a
   * time, in proportion to how far over it is, then measured again (pages free up as whole pages).
   */
  private trimTo(target: number): number {
    let removed = 0;
    const count = this.db.prepare('SELECT COUNT(*) AS n FROM entries');
    const nth = this.db.prepare('SELECT cursor FROM entries ORDER BY cursor LIMIT 1 OFFSET ?');
    const drop = this.db.prepare('DELETE FROM entries WHERE cursor <= ?');
    for (let used = this.usedBytes; used > target; used = this.usedBytes) {
      const n = (count.get() as { n: number }).n;
      if (n === 0) break;
      const share = Math.min(1, Math.max(0.01, (used - target) / used));
      const upTo = nth.get(Math.max(0, Math.ceil(n * share) - 1)) as { cursor: number };
      removed += drop.run(upTo.cursor).changes;
    }
    return removed;
  }

  /**
   * `journalctl --vacuum-size=`/`--vacuum-time=`: removes entries older than `olderThanUs` and the
   * oldest until `maxBytes` holds, then gives the freed pages back to the file system.
   */
  vacuum(opts: { maxBytes?: number; olderThanUs?: number }): { removed: number } {
    let removed = 0;
    if (opts.olderThanUs !== undefined) removed += this.db.prepare('DELETE FROM entries WHERE realtime < ?').run(opts.olderThanUs).changes;
    if (opts.maxBytes !== undefined) removed += this.trimTo(opts.maxBytes);
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.measure();
    return { removed };
  }

  /** What the journal takes in the file system (blocks of the database and its WAL), as `--disk-usage`. */
  diskUsage(): number {
    return ['', '-wal', '-shm'].reduce((sum, suffix) => {
      try {
        return sum + statSync(this.path + suffix).blocks * 512;
      } catch {
        return sum;
      }
    }, 0);
  }

  /** Every boot with entries, oldest first (by its first entry). */
  boots(): BootRecord[] {
    const rows = this.db.prepare('SELECT boot, MIN(cursor) AS first, MIN(realtime) AS firstUs, MAX(realtime) AS lastUs FROM entries GROUP BY boot ORDER BY first').all() as { boot: string; firstUs: number; lastUs: number }[];
    return rows.map((r) => ({ bootId: r.boot, firstUs: r.firstUs, lastUs: r.lastUs }));
  }

  query(q: JournalQuery = {}): JournalEntry[] {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    const units = [...(q.unit !== undefined ? [q.unit] : []), ...(q.units ?? [])];
    if (units.length > 0) {
      where.push(`unit IN (${units.map((_, i) => `@unit${i}`).join(', ')})`);
      units.forEach((u, i) => (args[`unit${i}`] = u));
    }
    if (q.maxPriority !== undefined) (where.push('priority <= @maxPriority'), (args['maxPriority'] = q.maxPriority));
    if (q.minPriority !== undefined) (where.push('priority >= @minPriority'), (args['minPriority'] = q.minPriority));
    if (q.sinceUs !== undefined) (where.push('realtime >= @sinceUs'), (args['sinceUs'] = q.sinceUs));
    if (q.untilUs !== undefined) (where.push('realtime <= @untilUs'), (args['untilUs'] = q.untilUs));
    if (q.bootId !== undefined) (where.push('boot = @bootId'), (args['bootId'] = q.bootId));
    if (q.afterCursor !== undefined) (where.push('cursor > @afterCursor'), (args['afterCursor'] = q.afterCursor));
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    if (q.last !== undefined) {
      const rows = this.db.prepare(`SELECT * FROM entries ${filter} ORDER BY cursor DESC LIMIT ${Math.max(0, Math.floor(q.last))}`).all(args) as Row[];
      return rows.reverse().map(toEntry);
    }
    const limit = q.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(q.limit))}` : '';
    return (this.db.prepare(`SELECT * FROM entries ${filter} ORDER BY cursor${limit}`).all(args) as Row[]).map(toEntry);
  }

  close(): void {
    this.db.close();
  }
}
