// journalctl's command line as nsbox reads it: what is shown, how, and journalctl 252's wording for
// what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, JournalctlUsageError, parseBoot, parseJournalctlArgs, parsePriorityRange, parseSize, resolveBoot } from '../../../src/cli/journalctl-args.js';

const NOW = Date.UTC(2026, 11, 3, 8, 0, 0) * 1000;
const parse = (...args: string[]) => parseJournalctlArgs(args, NOW);
const refuses = (args: string[], message: string): void => {
  assert.throws(() => parse(...args), (e: unknown) => e instanceof JournalctlUsageError && e.message === message, args.join(' '));
};

test('-p: one level means it and everything more important; a range either way round, both ends included', () => {
  assert.deepEqual(parsePriorityRange('warning'), { min: 0, max: 4 });
  assert.deepEqual(parsePriorityRange('3'), { min: 0, max: 3 });
  assert.deepEqual(parsePriorityRange('warning..err'), { min: 3, max: 4 });
  assert.deepEqual(parsePriorityRange('err..warning'), { min: 3, max: 4 });
  assert.deepEqual(parsePriorityRange('0..debug'), { min: 0, max: 7 });
  refuses(['-p', 'bogus'], 'Unknown log level bogus');
  refuses(['-p', 'warning..bogus'], 'Failed to parse log level range warning..bogus');
});

test('options in every spelling: -u, -n, -p, -o, --since/--until, -S/-U, -r, -q', () => {
  const a = parse('-u', 'foo', '--unit=bar.socket', '-n5', '-p', 'err', '-o', 'short-iso', '--since', 'yesterday', '-U', '@1796284800', '-r', '-q');
  assert.deepEqual(a, {
    action: { kind: 'show' }, units: ['foo.service', 'bar.socket'], mode: 'short-iso', follow: false, reverse: true, quiet: true,
    minPriority: 0, maxPriority: 3, sinceUs: Date.UTC(2026, 11, 2) * 1000, untilUs: 1796284800 * 1_000_000, lines: 5,
  });
  assert.equal(parse('--lines=all').lines, undefined);
  assert.equal(parse('-n').lines, 10, '-n alone is 10, as journalctl');
  assert.deepEqual(parse('-n', '-u', 'x').units, ['x.service']);
  assert.equal(parse('-n', '-u', 'x').lines, 10);
  assert.equal(parse('-n', '25').lines, 25);
  assert.equal(parse('-o', 'json-pretty').mode, 'json-pretty');
  refuses(['--since=foo'], 'Failed to parse timestamp: foo');
  refuses(['--since=now', '--until=yesterday'], '--since= must be before --until=.');
  refuses(['-o', 'frob'], "Unknown output format 'frob'.");
  refuses(['-r', '-f'], 'Please specify either --reverse= or --follow=, not both.');
  refuses(['-nx'], "Failed to parse lines 'x'");
  refuses(['--frob'], "unrecognized option '--frob'");
});

test('-f shows the last 10, -e the last 1000, unless -n says otherwise; --no-tail shows all', () => {
  assert.equal(parse('-f').lines, 10);
  assert.equal(parse('-f', '-n', '3').lines, 3);
  assert.equal(parse('-f', '--no-tail').lines, undefined);
  assert.equal(parse('-e').lines, 1000);
  assert.equal(parse('-e', '-n', '20').lines, 20);
  assert.equal(parse().lines, undefined);
});

test('-b takes its value only when the next word is a boot; ids, offsets, all', () => {
  const id = '0123456789abcdef0123456789abcdef';
  assert.deepEqual(parse('-b').boot, { offset: 0 });
  assert.deepEqual(parse('-b', '-1').boot, { offset: -1 });
  assert.deepEqual(parse('-b', '-u', 'x').boot, { offset: 0 });
  assert.deepEqual(parse('-b', '-u', 'x').units, ['x.service']);
  assert.deepEqual(parse('--boot=1').boot, { offset: 1 });
  assert.deepEqual(parse('-b', id).boot, { offset: 0, id });
  assert.deepEqual(parse(`-b${id}-1`).boot, { offset: -1, id });
  assert.equal(parse('-b', 'all').boot, undefined);
  assert.throws(() => parseBoot('xyz'), JournalctlUsageError);
  const boots = { currentBootId: 'c'.repeat(32), boots: ['a', 'b', 'c'].map((x, i) => ({ bootId: x.repeat(32), firstUs: i, lastUs: i })) };
  assert.equal(resolveBoot({ offset: 0 }, boots), 'c'.repeat(32));
  assert.equal(resolveBoot({ offset: -1 }, boots), 'b'.repeat(32));
  assert.equal(resolveBoot({ offset: -2 }, boots), 'a'.repeat(32));
  assert.equal(resolveBoot({ offset: -3 }, boots), undefined);
  assert.equal(resolveBoot({ offset: 1 }, boots), 'a'.repeat(32));
  assert.equal(resolveBoot({ offset: 1, id: 'a'.repeat(32) }, boots), 'b'.repeat(32));
});

test('--disk-usage, --vacuum-size=, --vacuum-time= and systemd\'s sizes', () => {
  assert.deepEqual(parse('--disk-usage').action, { kind: 'disk-usage' });
  assert.deepEqual(parse('--vacuum-size=10M').action, { kind: 'vacuum', maxBytes: 10 * 1024 * 1024 });
  assert.deepEqual(parse('--vacuum-time=2d').action, { kind: 'vacuum', olderThanUs: NOW - 2 * 86_400_000_000 });
  assert.deepEqual(parse('--list-boots').action, { kind: 'list-boots' });
  refuses(['--vacuum-size=abc'], 'Failed to parse vacuum size: abc');
  refuses(['--vacuum-time=abc'], 'Failed to parse vacuum time: abc');
  assert.equal(parseSize('512'), 512);
  assert.equal(parseSize('1.5K'), 1536);
  assert.equal(parseSize('4G'), 4 * 1024 ** 3);
  assert.equal(parseSize('x'), undefined);
  assert.equal(formatBytes(0), '0B');
  assert.equal(formatBytes(1023), '1023B');
  assert.equal(formatBytes(1024), '1.0K');
  assert.equal(formatBytes(8 * 1024 * 1024 + 900 * 1024), '8.8M');
  assert.equal(formatBytes(4 * 1024 ** 3), '4.0G');
});
