// A service's stdout/stderr as journald reads it (StandardOutput=journal): split into lines, each
// line's `<N>` prefix taken as its priority when SyslogLevelPrefix= is on (the default), lines
// longer than LineMax= (48K) cut into several entries, a last line without newline kept until the
// stream ends. Pure: bytes in, lines out.
import type { Priority } from './types.js';

export const LINE_MAX = 48 * 1024;

export interface StreamLine {
  readonly priority: Priority;
  readonly message: string;
}

export interface StreamSettings {
  /** SyslogLevel=: the priority of lines without a prefix (default info). */
  readonly defaultPriority: Priority;
  /** SyslogLevelPrefix=. */
  readonly levelPrefix: boolean;
}

export const DEFAULT_STREAM_SETTINGS: StreamSettings = { defaultPriority: 6, levelPrefix: true };

function toLine(text: string, s: StreamSettings): StreamLine {
  const m = s.levelPrefix ? /^<([0-7])>/.exec(text) : null;
  if (m) return { priority: Number(m[1]) as Priority, message: text.slice(3) };
  return { priority: s.defaultPriority, message: text };
}

/** Splits text into lines; returns the complete ones and what is left of an unfinished line. */
export function splitStream(pending: string, chunk: string, s: StreamSettings = DEFAULT_STREAM_SETTINGS): { lines: StreamLine[]; rest: string } {
  const lines: StreamLine[] = [];
  let text = pending + chunk;
  for (;;) {
    const nl = text.indexOf('\n');
    if (nl < 0 || nl > LINE_MAX) {
      if (text.length < LINE_MAX) break;
      // journald cuts an overlong line at LineMax= and goes on with the rest.
      lines.push(toLine(text.slice(0, LINE_MAX), s));
      text = text.slice(LINE_MAX);
      continue;
    }
    lines.push(toLine(text.slice(0, nl), s));
    text = text.slice(nl + 1);
  }
  return { lines, rest: text };
}

/** What is left when the stream ends: one more line, if anything was written after the last newline. */
export const flushStream = (rest: string, s: StreamSettings = DEFAULT_STREAM_SETTINGS): StreamLine[] => (rest === '' ? [] : [toLine(rest, s)]);
