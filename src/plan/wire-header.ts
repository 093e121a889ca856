// Renders native/wire_ids.h from wire-ids.ts and wire-layout.ts, so the C helper and the encoder
// share one source: ids, each record's field signature, one index per field, and the limits.
import * as ids from './wire-ids.js';
import { RECORD_LAYOUT, WireLimit, type FieldKind, type RecordLayout } from './wire-layout.js';

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
  ['FRAME', ids.FrameType],
  ['RSTDIO', ids.ResidentStdioId],
  ['RSTATE', ids.ResidentStateId],
];

const KIND_LETTER: Record<FieldKind, string> = { int: 'i', string: 's', bytes: 'b' };

const snake = (camel: string): string => camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** i = 8-byte int, s = string with its NUL, b = bytes; after '|' the rest repeats zero or more times. */
export const signatureOf = (layout: RecordLayout): string =>
  layout.fields.map(([, k]) => KIND_LETTER[k]).join('') +
  (layout.repeat ? '|' + layout.repeat.fields.map(([, k]) => KIND_LETTER[k]).join('') : '');

/** Field index names: the record's name without the OP_ of an op (F_BIND_SOURCE), then the field's. */
function fieldIndexLines(): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  const add = (name: string, value: number): void => {
    if (seen.has(name)) throw new Error(`wire layout: ${name} is defined twice`);
    seen.add(name);
    lines.push(`  ${name} = ${value},`);
  };
  for (const [recName, layout] of Object.entries(RECORD_LAYOUT) as [string, RecordLayout][]) {
    const rec = recName === 'OP_LABELS' ? recName : recName.replace(/^OP_/, '');
    layout.fields.forEach(([field], i) => add(`F_${rec}_${snake(field)}`, i));
    if (layout.repeat) {
      const group = `${rec}_${snake(layout.repeat.name)}`;
      add(`F_${group}`, layout.fields.length);
      if (layout.repeat.fields.length > 1) {
        add(`W_${group}`, layout.repeat.fields.length);
        layout.repeat.fields.forEach(([field], j) => add(`F_${group}_${snake(field)}`, j));
      }
    }
  }
  return lines;
}

export function renderWireHeader(): string {
  const lines = [
    '/* Generated from src/plan/wire-ids.ts and src/plan/wire-layout.ts by tools/gen-wire-header.mjs. Do not edit. */',
    '#pragma once',
    '#include <stdint.h>',
    '',
    `#define WIRE_MAGIC 0x${ids.WIRE_MAGIC.toString(16)}u`,
    `#define WIRE_VERSION ${ids.WIRE_VERSION}`,
    '',
    ...Object.entries(WireLimit).map(([name, value]) => `#define ${name} ${value}`),
  ];
  for (const [prefix, table] of groups) {
    lines.push('', `enum {`);
    for (const [name, value] of Object.entries(table)) lines.push(`  ${prefix}_${name} = ${value},`);
    lines.push('};');
  }
  lines.push(
    '',
    '/* Field indices: F_<RECORD>_<FIELD>. A repeated group starts at F_<RECORD>_<GROUP>; when it has',
    ' * several fields, W_<RECORD>_<GROUP> is its width and F_<RECORD>_<GROUP>_<FIELD> the offset in it. */',
    'enum {', ...fieldIndexLines(), '};',
    '',
    '/* Each record\'s field kinds (see signatureOf in wire-header.ts); NULL for an unknown tag. */',
    'static inline const char *wire_signature(uint32_t tag) {',
    '  switch (tag) {',
    ...Object.entries(RECORD_LAYOUT).map(([name, layout]) => `  case REC_${name}: return "${signatureOf(layout)}";`),
    '  default: return 0;',
    '  }',
    '}',
  );
  return lines.join('\n') + '\n';
}
