// The table `systemd-analyze security` prints with no unit named: one line per service the
// manager has loaded, sorted by name, oneshots and units that did not load left out.
import { formatTenths, type SecurityScore } from './score.js';
import { smileyFor, type Glyphs } from './format.js';
import { formatTable } from './table.js';

/** What the table needs to know of each unit the manager has in memory. */
export interface ManagerUnitSummary {
  readonly id: string;
  readonly loadState: string;
  /** The service's Type=; absent for other unit types. */
  readonly serviceType?: string | undefined;
}

/** The units systemd 252 scores when none is named: loaded services that are not Type=oneshot, in strcmp order. */
export function overviewUnits(units: readonly ManagerUnitSummary[]): string[] {
  return units
    .filter((u) => u.id.endsWith('.service') && u.loadState === 'loaded' && u.serviceType !== 'oneshot')
    .map((u) => u.id)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function formatOverviewTable(scores: readonly SecurityScore[], glyphs: Glyphs): string {
  const rows = scores.map((s) => [s.unit, formatTenths(s.exposure), s.level, smileyFor(s.level, glyphs)]);
  const lines = formatTable([
    { header: 'UNIT', align: 'left' }, { header: 'EXPOSURE', align: 'right' },
    { header: 'PREDICATE', align: 'left' }, { header: 'HAPPY', align: 'left' },
  ], rows);
  return `${lines.join('\n')}\n`;
}
