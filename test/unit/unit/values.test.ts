import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimeSpan, parseBoolean, parseMode, parseSignalValue, parseSize, parseSizeOrPercent, parseTimeSpan } from '../../../src/unit/values.js';

test('parseBoolean() accepts every spelling systemd does', () => {
  for (const t of ['1', 'yes', 'y', 'true', 't', 'on', 'YES']) assert.equal(parseBoolean(t), true);
  for (const f of ['0', 'no', 'n', 'false', 'f', 'off']) assert.equal(parseBoolean(f), false);
  assert.throws(() => parseBoolean('maybe'));
});

test('parseTimeSpan() adds components and keeps microsecond precision', () => {
  assert.equal(parseTimeSpan('1min 30s'), 90_000_000);
  assert.equal(parseTimeSpan('1min30s 5ms 7us'), 90_005_007);
  assert.equal(parseTimeSpan('1.5s'), 1_500_000);
  assert.equal(parseTimeSpan('5'), 5_000_000);
  assert.equal(parseTimeSpan('5', 1000), 5000);
  assert.equal(parseTimeSpan('2 h'), 7_200_000_000);
  assert.equal(parseTimeSpan('1M'), 2_629_800_000_000);
  assert.equal(parseTimeSpan('1y'), 31_557_600_000_000);
  assert.equal(parseTimeSpan('3µs'), 3);
  assert.equal(parseTimeSpan('infinity'), Infinity);
  assert.throws(() => parseTimeSpan('5 parsecs'));
  assert.throws(() => parseTimeSpan(''));
  assert.throws(() => parseTimeSpan('-5s'));
});

test('formatTimeSpan() renders like systemd', () => {
  assert.equal(formatTimeSpan(90_000_000), '1min 30s');
  assert.equal(formatTimeSpan(100_000), '100ms');
  assert.equal(formatTimeSpan(Infinity), 'infinity');
});

test('parseSize() uses base 1024 and accepts fractions and several components', () => {
  assert.equal(parseSize('512'), 512);
  assert.equal(parseSize('1K'), 1024);
  assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('1G 512M'), 1024 ** 3 + 512 * 1024 ** 2);
  assert.equal(parseSize('2T'), 2 * 1024 ** 4);
  assert.throws(() => parseSize('1k'));
  assert.throws(() => parseSize('lots'));
});

test('parseSizeOrPercent() accepts percentages, permille and infinity', () => {
  assert.deepEqual(parseSizeOrPercent('50%'), { kind: 'percent', permyriad: 5000 });
  assert.deepEqual(parseSizeOrPercent('12.5%'), { kind: 'percent', permyriad: 1250 });
  assert.deepEqual(parseSizeOrPercent('5‰'), { kind: 'percent', permyriad: 50 });
  assert.deepEqual(parseSizeOrPercent('infinity'), { kind: 'infinity' });
  assert.deepEqual(parseSizeOrPercent('1M'), { kind: 'bytes', bytes: 1048576 });
  assert.throws(() => parseSizeOrPercent('101%'));
});

test('parseMode() and parseSignalValue() read octal modes and signal names', () => {
  assert.equal(parseMode('0027'), 0o027);
  assert.throws(() => parseMode('0999'));
  assert.equal(parseSignalValue('SIGTERM'), 15);
  assert.equal(parseSignalValue('HUP'), 1);
  assert.equal(parseSignalValue('9'), 9);
  assert.equal(parseSignalValue('SIGRTMIN+3'), 37);
  assert.throws(() => parseSignalValue('SIGFOO'));
});
