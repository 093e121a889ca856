// sd_notify messages: the relay's record framing and how messages fold into a service's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNotifyRecords, parseNotifyText } from '../../../src/executor/notify-relay.js';
import { foldNotify, INITIAL_NOTIFY_STATE } from '../../../src/launch/notify-state.js';

const record = (pid: number, text: string): Buffer => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(body.length, 0);
  head.writeInt32LE(pid, 4);
  return Buffer.concat([head, body]);
};
const msg = (text: string, pid = 7) => ({ pid, fields: parseNotifyText(text), text });

test('decodeNotifyRecords() splits whole records and keeps a partial one for later', () => {
  const bytes = Buffer.concat([record(42, 'READY=1'), record(43, 'STATUS=a=b\nMAINPID=9')]);
  const first = decodeNotifyRecords(bytes.subarray(0, bytes.length - 3));
  assert.deepEqual(first.messages.map((m) => [m.pid, m.fields]), [[42, { READY: '1' }]]);
  const second = decodeNotifyRecords(Buffer.concat([first.rest, bytes.subarray(bytes.length - 3)]));
  assert.deepEqual(second.messages.map((m) => [m.pid, m.fields]), [[43, { STATUS: 'a=b', MAINPID: '9' }]]);
  assert.equal(second.rest.length, 0);
});

test('parseNotifyText(): NAME=value lines, the value may hold "=", lines without one dropped', () => {
  assert.deepEqual(parseNotifyText('READY=1\ngarbage\nSTATUS=x=y\n'), { READY: '1', STATUS: 'x=y' });
});

test('foldNotify(): READY, STATUS, MAINPID, STOPPING, RELOADING, ERRNO, WATCHDOG as systemd reads them', () => {
  let s = foldNotify(INITIAL_NOTIFY_STATE, msg('STATUS=starting'), 1);
  assert.deepEqual(s, { ready: false, stopping: false, reloading: false, statusText: 'starting' });
  s = foldNotify(s, msg('READY=1\nMAINPID=1234'), 2);
  assert.equal(s.ready, true);
  assert.equal(s.mainPid, 1234);
  s = foldNotify(s, msg('RELOADING=1'), 3);
  assert.deepEqual([s.ready, s.reloading], [false, true]);
  s = foldNotify(s, msg('READY=1'), 4);
  assert.deepEqual([s.ready, s.reloading], [true, false]);
  s = foldNotify(s, msg('WATCHDOG=1\nMAINPID=0\nERRNO=5'), 5);
  assert.equal(s.lastWatchdogMs, 5);
  assert.equal(s.mainPid, 1234, 'MAINPID=0 is not a pid');
  assert.equal(s.errno, 5);
  s = foldNotify(s, msg('STOPPING=1'), 6);
  assert.equal(s.stopping, true);
  assert.equal(s.statusText, 'starting');
});
