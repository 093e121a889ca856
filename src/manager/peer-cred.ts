// SO_PEERCRED of a connected unix socket: who is at the other end (Node has no API for it).
import type { Socket } from 'node:net';
import { koffi } from '../ffi/koffi.js';
import type { ForeignFunction } from '../ffi/koffi.js';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;
let getsockopt: ForeignFunction | undefined;

export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** The peer's pid, uid and gid, or undefined when the socket has no fd (closed) or the call fails. */
export function peerCredentials(socket: Socket): PeerCredentials | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) return undefined;
  getsockopt ??= koffi().load('libc.so.6').func('int getsockopt(int sockfd, int level, int optname, void *optval, void *optlen)');
  const cred = Buffer.alloc(12);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(12);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, len) !== 0) return undefined;
  return { pid: cred.readInt32LE(0), uid: cred.readUInt32LE(4), gid: cred.readUInt32LE(8) };
}
