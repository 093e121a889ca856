// A command's stdout/stderr into the journal (StandardOutput=journal, the default): lines split
// as journald splits them, tagged with the unit, the pid, the invocation and argv[0]'s name.
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { DEFAULT_STREAM_SETTINGS, flushStream, splitStream, type StreamLine, type StreamSettings } from '../journal/stream-lines.js';
import type { JournalSink } from './journal-sink.js';
import type { Priority } from '../journal/types.js';
import type { ExecSettings } from '../unit/exec-settings.js';

export interface StreamOrigin {
  readonly unit: string;
  readonly pid: number;
  readonly invocationId: string;
  readonly argv0: string;
  /** SyslogLevel=/SyslogLevelPrefix=. */
  readonly stream?: StreamSettings;
  /** SyslogIdentifier=, in place of argv[0]'s name. */
  readonly identifier?: string;
}

/** SyslogLevel=, SyslogLevelPrefix= and SyslogIdentifier= of a unit's exec settings, for StreamOrigin. */
export function journalStreamOf(exec: Pick<ExecSettings, 'syslogLevel' | 'syslogLevelPrefix' | 'syslogIdentifier'>): Pick<StreamOrigin, 'stream' | 'identifier'> {
  return {
    stream: { defaultPriority: exec.syslogLevel as Priority, levelPrefix: exec.syslogLevelPrefix },
    ...(exec.syslogIdentifier !== undefined ? { identifier: exec.syslogIdentifier } : {}),
  };
}

/** Reads the stream to its end; resolves once every line is in the journal. */
export function streamToJournal(stream: Readable | null, origin: StreamOrigin, sink: JournalSink): Promise<void> {
  if (!stream) return Promise.resolve();
  const identifier = origin.identifier ?? basename(origin.argv0);
  const settings = origin.stream ?? DEFAULT_STREAM_SETTINGS;
  const write = (lines: readonly StreamLine[]): void => {
    if (lines.length === 0) return;
    sink.append(lines.map((l) => ({ priority: l.priority, message: l.message, unit: origin.unit, pid: origin.pid, invocationId: origin.invocationId, identifier })));
  };
  let rest = '';
  stream.setEncoding('utf8');
  return new Promise((resolve) => {
    stream.on('data', (chunk: string) => {
      const split = splitStream(rest, chunk, settings);
      rest = split.rest;
      write(split.lines);
    });
    const end = (): void => {
      write(flushStream(rest, settings));
      rest = '';
      resolve();
    };
    stream.once('end', end);
    stream.once('error', end);
  });
}
