// RestrictAddressFamilies= as systemd 252 keeps it (an allow or deny list of families, decided by
// the first assignment) and the five groups systemd-analyze security grades it by.
import { wordsOf } from './other-values.js';

export interface AddressFamilyRestrictions {
  /** true: the service cannot allocate sockets of that kind. */
  readonly inet: boolean;
  readonly unix: boolean;
  readonly netlink: boolean;
  readonly packet: boolean;
  readonly other: boolean;
}

// af_from_name(): the kernel's AF_ names systemd 252 knows (linux/socket.h, AF_UNSPEC excluded).
const KNOWN_FAMILIES = new Set([
  'AF_UNIX', 'AF_LOCAL', 'AF_INET', 'AF_AX25', 'AF_IPX', 'AF_APPLETALK', 'AF_NETROM', 'AF_BRIDGE', 'AF_ATMPVC',
  'AF_X25', 'AF_INET6', 'AF_ROSE', 'AF_DECnet', 'AF_NETBEUI', 'AF_SECURITY', 'AF_KEY', 'AF_NETLINK', 'AF_ROUTE',
  'AF_PACKET', 'AF_ASH', 'AF_ECONET', 'AF_ATMSVC', 'AF_RDS', 'AF_SNA', 'AF_IRDA', 'AF_PPPOX', 'AF_WANPIPE',
  'AF_LLC', 'AF_IB', 'AF_MPLS', 'AF_CAN', 'AF_TIPC', 'AF_BLUETOOTH', 'AF_IUCV', 'AF_RXRPC', 'AF_ISDN',
  'AF_PHONET', 'AF_IEEE802154', 'AF_CAIF', 'AF_ALG', 'AF_NFC', 'AF_VSOCK', 'AF_KCM', 'AF_QIPCRTR', 'AF_SMC',
  'AF_XDP', 'AF_MCTP',
]);
// Aliases of one family number.
const CANONICAL: Readonly<Record<string, string>> = { AF_LOCAL: 'AF_UNIX', AF_ROUTE: 'AF_NETLINK' };

const group = (family: string): keyof AddressFamilyRestrictions =>
  family === 'AF_INET' || family === 'AF_INET6' ? 'inet'
    : family === 'AF_UNIX' ? 'unix'
      : family === 'AF_NETLINK' ? 'netlink'
        : family === 'AF_PACKET' ? 'packet'
          : 'other';

/** The effective list after all assignments: `none`, `~` deny lists, and resets on empty values. */
export function addressFamilyList(values: readonly string[]): { allowList: boolean; families: ReadonlySet<string> } {
  let allowList = false;
  let families = new Set<string>();
  // systemd's set is NULL until the first list after a reset or `none`; that list decides the mode.
  let started = false;
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed === 'none') {
      allowList = true;
      families = new Set();
      started = false;
      continue;
    }
    const invert = trimmed.startsWith('~');
    if (!started) allowList = !invert;
    started = true;
    for (const word of wordsOf([invert ? trimmed.slice(1) : trimmed])) {
      if (!KNOWN_FAMILIES.has(word)) continue; // systemd: "Address family not supported, ignoring"
      const family = CANONICAL[word] ?? word;
      if (invert !== allowList) families.add(family);
      else families.delete(family);
    }
  }
  return { allowList, families };
}

export function addressFamilies(values: readonly string[]): AddressFamilyRestrictions {
  const { allowList, families } = addressFamilyList(values);
  const restricted = { inet: allowList, unix: allowList, netlink: allowList, packet: allowList, other: allowList };
  for (const f of families) restricted[group(f)] = !allowList;
  return restricted;
}
