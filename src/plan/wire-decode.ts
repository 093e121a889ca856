// Reads an encoded plan back into named records through the same layout table the encoder and the
// helper use: for tests and tools that show what the helper will receive, not for the helper.
import { InvalidPlanError } from '../errors.js';
import { RecordTag, WIRE_MAGIC, WIRE_VERSION } from './wire-ids.js';
import { RECORD_LAYOUT, type DecodedRecord, type DecodedValue, type FieldKind, type RecordLayout, type RecordName } from './wire-layout.js';

const NAME_OF = new Map<number, RecordName>(Object.entries(RecordTag).map(([name, tag]) => [tag, name as RecordName]));

export function decodePlanRecords(bytes: Uint8Array): DecodedRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  const fail = (why: string): never => { throw new InvalidPlanError(`${why} at byte ${at}`, 'wire'); };
  const u32 = (): number => {
    if (bytes.length - at < 4) fail('truncated');
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const field = (kind: FieldKind): DecodedValue => {
    const len = u32();
    if (bytes.length - at < len) fail('truncated field');
    const body = bytes.subarray(at, at + len);
    at += len;
    if (kind === 'int') return len === 8 ? view.getBigInt64(at - 8, true) : fail('an int is not 8 bytes');
    if (kind === 'bytes') return body.slice();
    if (len === 0 || body[len - 1] !== 0 || body.indexOf(0) !== len - 1) fail('a string without its one NUL');
    return text.decode(body.subarray(0, len - 1));
  };
  if (u32() !== WIRE_MAGIC || u32() !== WIRE_VERSION) fail('wrong magic or version');
  const records: DecodedRecord[] = [];
  while (at < bytes.length) {
    const tag = u32();
    const nfields = u32();
    const name = NAME_OF.get(tag) ?? fail(`unknown tag ${tag}`);
    const layout: RecordLayout = RECORD_LAYOUT[name];
    const values: Record<string, DecodedValue | (DecodedValue | Record<string, DecodedValue>)[]> = {};
    for (const [f, kind] of layout.fields) values[f] = field(kind);
    const rest = nfields - layout.fields.length;
    if (!layout.repeat ? rest !== 0 : rest < 0 || rest % layout.repeat.fields.length !== 0) fail(`${nfields} fields for ${name}`);
    if (layout.repeat) {
      const items: (DecodedValue | Record<string, DecodedValue>)[] = [];
      for (let i = 0; i < rest / layout.repeat.fields.length; i++) {
        if (layout.repeat.fields.length === 1) items.push(field(layout.repeat.fields[0]![1]));
        else items.push(Object.fromEntries(layout.repeat.fields.map(([f, kind]) => [f, field(kind)])));
      }
      values[layout.repeat.name] = items;
    }
    records.push({ name, values });
    if (name === 'END') break;
  }
  if (at !== bytes.length || records.at(-1)?.name !== 'END') fail('no END or bytes after it');
  return records;
}
