// nsbox-test: needs bookworm-systemd
// The table `systemd-analyze security` prints with no unit named, checked against systemd 252's own:
// the fixture was captured by booting the Debian test tree under systemd-nspawn and running
// `systemd-analyze security` (table-252.txt) and `systemctl list-units --type=service --all`
// (units-252.txt: the units in the manager's memory, with their load states) inside it. The same
// units, loaded from the tree's files and scored as read from a manager, must print the same table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { debianTree } from '../fixtures/debian-tree.js';
import { createLoadCache, loadUnit, readHostFacts } from '../../src/unit/load.js';
import { asReadFromManager, securityInfo } from '../../src/security-score/info.js';
import { scoreSecurity } from '../../src/security-score/score.js';
import { formatOverviewTable, overviewUnits } from '../../src/security-score/overview.js';
import { hostSyscallResolver } from '../../src/cli/analyze-security.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../test/fixtures/security-online/${name}`, import.meta.url)), 'utf8');

test('the online table lists loaded long-running services as systemd-analyze 252 does, scored as the manager reports them', async () => {
  const root = await debianTree();
  const cache = createLoadCache();
  const host = await readHostFacts(root);
  const listed = fixture('units-252.txt').trim().split('\n').map((l) => l.split(' ') as [string, string]);
  const summaries = await Promise.all(listed.map(async ([id, loadState]) => {
    if (loadState !== 'loaded') return { id, loadState };
    const unit = await loadUnit(id, { root, cache, host });
    return { id, loadState: unit.loadState, serviceType: unit.settings.service.type ?? 'simple' };
  }));
  const resolves = hostSyscallResolver();
  const scores = [];
  for (const id of overviewUnits(summaries)) {
    const unit = await loadUnit(id, { root, cache, host });
    scores.push(scoreSecurity(asReadFromManager(securityInfo(unit, resolves)), resolves));
  }
  assert.equal(formatOverviewTable(scores, { utf8: false, emoji: false }), fixture('table-252.txt'));
});
