import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable, ratios, summarize, toJson } from '../../../bench/report.js';

test('summarize() gives median, p90 and run count per tool, and marks failures', () => {
  const rows = summarize('spawn', [
    { tool: 'nsbox', samplesMs: [1, 2, 3] },
    { tool: 'bwrap', samplesMs: [], error: 'bwrap exited 1: no' },
  ]);
  assert.deepEqual(rows[0], { case: 'spawn', tool: 'nsbox', median_ms: 2, p90_ms: 3, runs: 3 });
  assert.equal(rows[1]?.median_ms, null);
  assert.equal(rows[1]?.error, 'bwrap exited 1: no');
});

test('ratios() divide each median by nsbox\'s in the same case', () => {
  const rows = summarize('spawn', [
    { tool: 'bwrap', samplesMs: [6] },
    { tool: 'nsbox', samplesMs: [2] },
  ]);
  const r = ratios(rows);
  assert.equal(r.get(rows[0]!)?.ratio, 3);
  assert.equal(r.get(rows[0]!)?.baseline, 'nsbox');
});

test('ratios() fall back to the first tool when nsbox has no result', () => {
  const rows = summarize('spawn', [
    { tool: 'bwrap', samplesMs: [4] },
    { tool: 'unshare', samplesMs: [2] },
  ]);
  assert.equal(ratios(rows).get(rows[1]!)?.ratio, 0.5);
});

test('toJson() prints exactly case, tool, median_ms, p90_ms, runs for a good row', () => {
  const parsed = JSON.parse(toJson(summarize('c', [{ tool: 't', samplesMs: [1.23456] }]))) as unknown;
  assert.deepEqual(parsed, [{ case: 'c', tool: 't', median_ms: 1.235, p90_ms: 1.235, runs: 1 }]);
});

test('formatTable() shows sandboxes per second for batch cases and FAILED for failures', () => {
  const rows = [
    ...summarize('batch', [{ tool: 'nsbox', samplesMs: [4] }]),
    ...summarize('seq', [{ tool: 'bwrap', samplesMs: [], error: 'boom' }]),
  ];
  const table = formatTable(rows, new Set(['batch']));
  assert.match(table, /250\/s/);
  assert.match(table, /FAILED.*boom/);
});

test('a case measuring several things gets a row per measure, with its unit in the table and the JSON', () => {
  const rows = summarize('manager, 5 services', [
    { tool: 'nsbox', measure: 'start', samplesMs: [10] },
    { tool: 'systemd', measure: 'start', samplesMs: [20] },
    { tool: 'nsbox', measure: 'memory idle, RSS', samplesMs: [50], unit: 'MB' },
    { tool: 'systemd', measure: 'memory idle, RSS', samplesMs: [12], unit: 'MB' },
  ]);
  assert.deepEqual(rows.map((r) => r.case), ['manager, 5 services: start', 'manager, 5 services: start', 'manager, 5 services: memory idle, RSS', 'manager, 5 services: memory idle, RSS']);
  assert.equal(ratios(rows).get(rows[1]!)?.ratio, 2);
  assert.equal(ratios(rows).get(rows[3]!)?.ratio, 0.24);
  assert.match(formatTable(rows, new Set()), /memory idle, RSS +systemd +12\.00 MB/);
  assert.equal((JSON.parse(toJson(rows)) as { unit?: string }[])[2]!.unit, 'MB');
  assert.equal((JSON.parse(toJson(rows)) as { unit?: string }[])[0]!.unit, undefined);
});
