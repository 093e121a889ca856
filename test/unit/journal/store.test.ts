// The journal's store: entries survive a reopen, queries filter as journalctl's options do, the
// size stays bounded, and nothing is lost in a burst.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalStore } from '../../../src/journal/store.js';
import { formatCat, formatJson, formatJsonPretty, formatShort, formatVerbose } from '../../../src/journal/format.js';
import type { NewJournalEntry } from '../../../src/journal/types.js';

const entry = (message: string, over: Partial<NewJournalEntry> = {}): NewJournalEntry => ({
  realtimeUs: 1_700_000_000_000_000, monotonicUs: 5, bootId: 'b1', priority: 6, message, ...over,
});

function withStore(fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'nsbox-journal-'));
  try {
    fn(join(dir, 'journal.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('entries survive closing and reopening, in order, with their fields', () => {
  withStore((path) => {
    const a = new JournalStore(path);
    a.append([entry('one', { unit: 'a.service', pid: 10, invocationId: 'inv', identifier: 'sh' }), entry('two')]);
    a.close();
    const b = new JournalStore(path);
    const all = b.query();
    assert.deepEqual(all.map((e) => e.message), ['one', 'two']);
    assert.deepEqual({ ...all[0], cursor: 0 }, { ...entry('one', { unit: 'a.service', pid: 10, invocationId: 'inv', identifier: 'sh' }), cursor: 0 });
    assert.ok(all[1]!.cursor > all[0]!.cursor);
    b.close();
  });
});

test('queries: unit, priority, time range, boot, the last N, after a cursor', () => {
  withStore((path) => {
    const j = new JournalStore(path);
    j.append([
      entry('a1', { unit: 'a.service', priority: 3, realtimeUs: 100 }), entry('b1', { unit: 'b.service', realtimeUs: 200 }),
      entry('a2', { unit: 'a.service', realtimeUs: 300, bootId: 'b2' }), entry('a3', { unit: 'a.service', priority: 7, realtimeUs: 400, bootId: 'b2' }),
    ]);
    const msgs = (q: Parameters<JournalStore['query']>[0]): string[] => j.query(q).map((e) => e.message);
    assert.deepEqual(msgs({ unit: 'a.service' }), ['a1', 'a2', 'a3']);
    assert.deepEqual(msgs({ unit: 'a.service', maxPriority: 6 }), ['a1', 'a2']);
    assert.deepEqual(msgs({ sinceUs: 200, untilUs: 300 }), ['b1', 'a2']);
    assert.deepEqual(msgs({ bootId: 'b2' }), ['a2', 'a3']);
    assert.deepEqual(msgs({ unit: 'a.service', last: 2 }), ['a2', 'a3']);
    const cursor = j.query({ last: 3 })[0]!.cursor;
    assert.deepEqual(msgs({ afterCursor: cursor }), ['a2', 'a3']);
    j.close();
  });
});

test('the size stays bounded: the pages in use never pass the bound, the file stops growing, the oldest entries go first', () => {
  withStore((path) => {
    const bound = 256 * 1024;
    const j = new JournalStore(path, bound);
    let fileAfterWarmup = 0;
    for (let batch = 0; batch < 200; batch++) {
      j.append(Array.from({ length: 50 }, (_, i) => entry(`${batch}-${i}-${'x'.repeat(100)}`, { unit: 'a.service' })));
      assert.ok(j.usedBytes <= bound, `batch ${batch}: ${j.usedBytes} bytes in use`);
      if (batch === 100) fileAfterWarmup = statSync(path).size;
    }
    // Freed pages are reused: after the journal first filled up, the file barely grows (the
    // main file lags the write-ahead log by a checkpoint).
    assert.ok(statSync(path).size <= fileAfterWarmup + 16 * 4096, `${statSync(path).size} vs ${fileAfterWarmup}`);
    assert.ok(statSync(path).size <= bound * 1.1, `${statSync(path).size}`);
    const kept = j.query();
    assert.ok(kept.length > 200 && kept.length < 10_000, `${kept.length}`);
    assert.match(kept.at(-1)!.message, /^199-49-/, 'the newest is kept');
    // What is kept is the newest run, without holes.
    assert.ok(kept.every((e, i) => i === 0 || e.cursor === kept[i - 1]!.cursor + 1));
    j.close();
  });
});

test('a smaller bound at reopening trims at once; vacuum by size and by time gives the pages back to the file system', () => {
  withStore((first) => {
    let path = first;
    let j = new JournalStore(path);
    for (let batch = 0; batch < 20; batch++) j.append(Array.from({ length: 100 }, (_, i) => entry(`${batch}-${i}-${'y'.repeat(200)}`, { realtimeUs: batch * 1000 })));
    j.close();
    // Reopened with a bound of 512 KiB: the pages' share (the bound less the WAL's and an
    // append's room and the -shm file) is kept at once.
    const k = new JournalStore(path, 512 * 1024);
    assert.ok(k.usedBytes <= 512 * 1024 - 2 * 64 * 1024 - 32 * 1024, `${k.usedBytes}`);
    assert.ok(k.query().length > 100);
    k.close();
    path = `${path}.vacuum`;
    j = new JournalStore(path);
    for (let batch = 0; batch < 20; batch++) j.append(Array.from({ length: 100 }, (_, i) => entry(`${batch}-${i}-${'y'.repeat(200)}`, { realtimeUs: batch * 1000 })));
    const before = j.diskUsage();
    assert.ok(j.usedBytes > 400 * 1024, `${j.usedBytes}`);
    const byTime = j.vacuum({ olderThanUs: 10_000 });
    assert.equal(byTime.removed, 1000);
    assert.deepEqual(new Set(j.query().map((e) => e.realtimeUs / 1000)).size, 10);
    assert.ok(j.diskUsage() < before, `${j.diskUsage()} < ${before}`);
    j.vacuum({ maxBytes: 64 * 1024 });
    assert.ok(j.usedBytes <= 64 * 1024);
    assert.ok(statSync(path).size <= 64 * 1024, `the file shrank: ${statSync(path).size}`);
    assert.match(j.query().at(-1)!.message, /^19-99-/);
    j.close();
  });
});

test('boots are listed oldest first with their first and last entry; several units and a priority range filter together', () => {
  withStore((path) => {
    const j = new JournalStore(path);
    j.append([
      entry('old', { bootId: 'b1', realtimeUs: 10 }), entry('old2', { bootId: 'b1', realtimeUs: 20, unit: 'a.service', priority: 2 }),
      entry('new', { bootId: 'b2', realtimeUs: 30, unit: 'b.service', priority: 4 }), entry('new2', { bootId: 'b2', realtimeUs: 40, unit: 'c.service', priority: 5 }),
    ]);
    assert.deepEqual(j.boots(), [{ bootId: 'b1', firstUs: 10, lastUs: 20 }, { bootId: 'b2', firstUs: 30, lastUs: 40 }]);
    assert.deepEqual(j.query({ units: ['a.service', 'b.service'] }).map((e) => e.message), ['old2', 'new']);
    assert.deepEqual(j.query({ minPriority: 3, maxPriority: 5 }).map((e) => e.message), ['new', 'new2']);
    assert.deepEqual(j.query({ limit: 2 }).map((e) => e.message), ['old', 'old2']);
    j.close();
  });
});

test('a burst of 20,000 lines in batches loses none', () => {
  withStore((path) => {
    const j = new JournalStore(path);
    for (let batch = 0; batch < 40; batch++) j.append(Array.from({ length: 500 }, (_, i) => entry(`${batch * 500 + i}`, { unit: 'load.service' })));
    const all = j.query({ unit: 'load.service' });
    assert.equal(all.length, 20_000);
    assert.ok(all.every((e, i) => e.message === String(i)));
    j.close();
  });
});

test('output modes: short, cat and json as journalctl prints them', () => {
  const e = { ...entry('hello', { unit: 'a.service', pid: 42, identifier: 'greeter', invocationId: 'abc' }), cursor: 7 };
  assert.match(formatShort(e, 'box'), /^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} box greeter\[42\]: hello$/);
  assert.equal(formatCat(e), 'hello');
  assert.deepEqual(JSON.parse(formatJson(e, 'box')), {
    __CURSOR: 'nsbox-7', __REALTIME_TIMESTAMP: '1700000000000000', __MONOTONIC_TIMESTAMP: '5', _BOOT_ID: 'b1', _HOSTNAME: 'box',
    PRIORITY: '6', MESSAGE: 'hello', SYSLOG_IDENTIFIER: 'greeter', _PID: '42', _SYSTEMD_UNIT: 'a.service', _SYSTEMD_INVOCATION_ID: 'abc',
  });
});

test('output modes as journalctl 252 lays them out (compared in a booted Debian 12): short-*, verbose, json-pretty', () => {
  const old = process.env['TZ'];
  process.env['TZ'] = 'UTC';
  try {
    // Thu 2026-12-03 08:59:12.682092 UTC, monotonic 59550.783654 s.
    const e = { ...entry('Startup finished.', { realtimeUs: 1796288352682092, monotonicUs: 59550783654, unit: 'init.scope', pid: 1, identifier: 'systemd', priority: 6 }), cursor: 30 };
    assert.equal(formatShort(e, 'vm'), 'Dec 03 08:59:12 vm systemd[1]: Startup finished.');
    assert.equal(formatShort(e, 'vm', 'short-iso'), '2026-12-03T08:59:12+0000 vm systemd[1]: Startup finished.');
    assert.equal(formatShort(e, 'vm', 'short-precise'), 'Dec 03 08:59:12.682092 vm systemd[1]: Startup finished.');
    assert.equal(formatShort(e, 'vm', 'short-monotonic'), '[59550.783654] vm systemd[1]: Startup finished.');
    assert.equal(formatShort({ ...e, monotonicUs: 12_000_001 }, 'vm', 'short-monotonic'), '[   12.000001] vm systemd[1]: Startup finished.');
    assert.equal(formatShort(e, 'vm', 'short-full'), 'Thu 2026-12-03 08:59:12 UTC vm systemd[1]: Startup finished.');
    assert.equal(formatShort(e, 'vm', 'short-unix'), '1796288352.682092 vm systemd[1]: Startup finished.');
    assert.equal(formatShort(e, 'vm', 'short-iso-precise'), '2026-12-03T08:59:12.682092+0000 vm systemd[1]: Startup finished.');
    const verbose = formatVerbose(e, 'vm').split('\n');
    assert.equal(verbose[0], 'Thu 2026-12-03 08:59:12.682092 UTC [nsbox-30]');
    assert.ok(verbose.slice(1).every((l) => /^ {4}[A-Z_]+=/.test(l)) && verbose.includes('    MESSAGE=Startup finished.'));
    const pretty = formatJsonPretty(e, 'vm');
    assert.match(pretty, /^\{\n\t"__CURSOR" : "nsbox-30",\n(\t"[A-Z_]+" : "[^"]*",\n)+\t"[A-Z_]+" : "[^"]*"\n\}$/);
    assert.deepEqual(JSON.parse(pretty), JSON.parse(formatJson(e, 'vm')));
    process.env['TZ'] = 'Europe/Berlin';
    assert.equal(formatShort(e, 'vm', 'short-iso'), '2026-12-03T09:59:12+0100 vm systemd[1]: Startup finished.');
  } finally {
    if (old === undefined) delete process.env['TZ'];
    else process.env['TZ'] = old;
  }
});
