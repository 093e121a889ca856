// systemd.time(7)'s timestamps and spans as journalctl 252 reads them; the man page's examples
// with its "now" (2012-11-23 18:15:22), in UTC and in a zone with a summer time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimespan, parseTimestamp } from '../../../src/journal/time-spec.js';

const S = 1_000_000;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number => Date.UTC(y, mo - 1, d, h, mi, s) * 1000;
const NOW = utc(2012, 11, 23, 18, 15, 22) + 123_456;

test('parseTimespan() adds up parts with systemd\'s units; a bare number is seconds', () => {
  assert.equal(parseTimespan('5min'), 300 * S);
  assert.equal(parseTimespan('1h 30min'), 5400 * S);
  assert.equal(parseTimespan('1h30min'), 5400 * S);
  assert.equal(parseTimespan('2.5s'), 2.5 * S);
  assert.equal(parseTimespan('300ms20s'), 20.3 * S);
  assert.equal(parseTimespan('2 weeks'), 14 * 86_400 * S);
  assert.equal(parseTimespan('1M'), 2_629_800 * S);
  assert.equal(parseTimespan('1m'), 60 * S);
  assert.equal(parseTimespan('1y'), 31_557_600 * S);
  assert.equal(parseTimespan('10'), 10 * S);
  assert.equal(parseTimespan('7us'), 7);
  for (const bad of ['', 'min', '5 parsecs', '5 10min', '-5s', '1h foo']) assert.equal(parseTimespan(bad), undefined, bad);
});

test('parseTimestamp(): the man page\'s examples (UTC)', () => {
  process.env['TZ'] = 'UTC';
  const cases: [string, number][] = [
    ['Fri 2012-11-23 11:12:13', utc(2012, 11, 23, 11, 12, 13)],
    ['2012-11-23 11:12:13', utc(2012, 11, 23, 11, 12, 13)],
    ['2012-11-23 11:12:13 UTC', utc(2012, 11, 23, 11, 12, 13)],
    ['2012-11-23', utc(2012, 11, 23)],
    ['12-11-23', utc(2012, 11, 23)],
    ['11:12:13', utc(2012, 11, 23, 11, 12, 13)],
    ['11:12', utc(2012, 11, 23, 11, 12)],
    ['now', NOW],
    ['today', utc(2012, 11, 23)],
    ['today UTC', utc(2012, 11, 23)],
    ['yesterday', utc(2012, 11, 22)],
    ['tomorrow', utc(2012, 11, 24)],
    ['+3h30min', NOW + 12_600 * S],
    ['-5s', NOW - 5 * S],
    ['-5', NOW - 5 * S],
    ['11min ago', NOW - 660 * S],
    ['5 min ago', NOW - 300 * S],
    ['2h left', NOW + 7200 * S],
    ['@1395716396', 1395716396 * S],
    ['@1395716396.5', 1395716396.5 * S],
    ['2012-11-23 11:12:13.5', utc(2012, 11, 23, 11, 12, 13) + 500_000],
    ['2012-11-23 11:12:13.000123', utc(2012, 11, 23, 11, 12, 13) + 123],
    // mktime() carries days over; strptime refuses hours past 23.
    ['2012-02-30', utc(2012, 3, 1)],
    ['friday 2012-11-23', utc(2012, 11, 23)],
  ];
  for (const [text, want] of cases) assert.equal(parseTimestamp(text, NOW), want, text);
});

test('parseTimestamp() refuses what systemd 252 refuses', () => {
  for (const bad of ['Mon 2012-11-23 11:12:13', '2012-11-23T11:12:13', '2012-11-23 11:12:13Z', '2012-11-23 11:12:13 +0200', '1h', 'NOW', ' now', 'yesterday ',
    '2012-11-23 25:00', '2012-13-01', '2012-11-23 -1d', 'today Europe/Berlin', '@-5', '@', '']) {
    assert.equal(parseTimestamp(bad, NOW), undefined, bad);
  }
});

test('parseTimestamp(): local time follows TZ, across a summer-time change; UTC stays UTC', () => {
  const old = process.env['TZ'];
  process.env['TZ'] = 'Europe/Berlin';
  try {
    // 23 November: CET, UTC+1.
    assert.equal(parseTimestamp('2012-11-23 11:12:13', NOW), utc(2012, 11, 23, 10, 12, 13));
    assert.equal(parseTimestamp('2012-11-23 11:12:13 UTC', NOW), utc(2012, 11, 23, 11, 12, 13));
    assert.equal(parseTimestamp('today', NOW), utc(2012, 11, 22, 23));
    // July: CEST, UTC+2.
    assert.equal(parseTimestamp('2012-07-01 12:00', NOW), utc(2012, 7, 1, 10));
    // "yesterday" in local time, the day after the change back to CET (28 October 2012).
    assert.equal(parseTimestamp('yesterday', utc(2012, 10, 29, 12)), utc(2012, 10, 27, 22));
  } finally {
    process.env['TZ'] = old ?? 'UTC';
  }
});
