// Renders native/wire_ids.h from wire-ids.ts, so the C helper and the encoder share one source.
import * as ids from './wire-ids.js';

const groups: ReadonlyArray<readonly [string, Readonly<Record<string, number>>]> = [
  ['REC', ids.RecordTag],
  ['PATH_BASE', ids.PathBase],
  ['PID_MODE', ids.PidModeId],
  ['MNT_FLAG', ids.MountFlagBit],
  ['CREATE', ids.CreateId],
  ['PROPAGATION', ids.PropagationId],
  ['SOURCE_VIEW', ids.SourceViewId],
  ['NODE', ids.NodeTypeId],
  ['HIDEPID', ids.HidepidId],
  ['TERMINAL', ids.TerminalId],
  ['CONSOLE', ids.ConsoleId],
  ['CLEANUP', ids.CleanupId],
  ['NOTIFY_READY', ids.NotifyReadyId],
  ['ROOT_LAYER', ids.RootLayerId],
  ['REPORT', ids.ReportType],
  ['STEP', ids.StepId],
];

export function renderWireHeader(): string {
  const lines = [
    '/* Generated from src/plan/wire-ids.ts by tools/gen-wire-header.mjs. Do not edit. */',
    '#pragma once',
    '',
    `#define WIRE_MAGIC 0x${ids.WIRE_MAGIC.toString(16)}u`,
    `#define WIRE_VERSION ${ids.WIRE_VERSION}`,
  ];
  for (const [prefix, table] of groups) {
    lines.push('', `enum {`);
    for (const [name, value] of Object.entries(table)) lines.push(`  ${prefix}_${name} = ${value},`);
    lines.push('};');
  }
  return lines.join('\n') + '\n';
}
