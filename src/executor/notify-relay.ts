// The sd_notify(3) datagrams a payload sends, as the helper relays them to spawn()'s caller:
// records of {u32 length, i32 sender pid, bytes} on a pipe (native/notify.c). Node has no unix
// datagram sockets, so the helper, which binds the payload's socket anyway, reads them for us.
import type { Readable } from 'node:stream';

/** One datagram: the sender's host pid (0 when unknown) and its NAME=value assignments. */
export interface NotifyMessage {
  readonly pid: number;
  /** In the order sent; a later assignment of a name wins in `fields`. */
  readonly fields: Readonly<Record<string, string>>;
  readonly text: string;
}

/** The assignments of a datagram: newline-separated NAME=value, lines without `=` dropped. */
export function parseNotifyText(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

/** Splits a byte stream of relay records into messages; a partial record waits for the rest. */
export function decodeNotifyRecords(buffer: Buffer): { messages: NotifyMessage[]; rest: Buffer } {
  const messages: NotifyMessage[] = [];
  let at = 0;
  while (buffer.length - at >= 8) {
    const length = buffer.readUInt32LE(at);
    if (buffer.length - at - 8 < length) break;
    const text = buffer.toString('utf8', at + 8, at + 8 + length);
    messages.push({ pid: buffer.readInt32LE(at + 4), fields: parseNotifyText(text), text });
    at += 8 + length;
  }
  return { messages, rest: buffer.subarray(at) };
}

/** The messages on a relay stream, until the helper closes it (when the payload has ended). */
export async function* notifyMessages(stream: Readable): AsyncGenerator<NotifyMessage> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const { messages, rest } = decodeNotifyRecords(Buffer.concat([pending, chunk as Buffer]));
    pending = rest;
    yield* messages;
  }
}
