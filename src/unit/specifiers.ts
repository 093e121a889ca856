// Specifier expansion (`%n`, `%i` ...; systemd.unit(5) "Specifiers"). Host facts come in as data so
// this stays pure; load.ts gathers them. Results match systemd 252 as the system manager: %u, %h,
// %s, %g name the manager's user (root), not User=.
import { UnitValueError } from './errors.js';
import { parseUnitName, unescapeUnitName, unescapeUnitPath } from './unit-name.js';
import { ROOT_USER, SYNTHESIZED_GROUPS, type UserRecord } from './users.js';

export interface UnitHostFacts {
  readonly hostname: string;
  /** PRETTY_HOSTNAME from /etc/machine-info; %q falls back to the hostname. */
  readonly prettyHostname?: string;
  readonly machineId?: string;
  readonly bootId?: string;
  /** systemd's architecture name: `x86-64`, `arm64` ... */
  readonly architecture: string;
  readonly kernelRelease: string;
  /** os-release fields (ID, VERSION_ID, BUILD_ID, VARIANT_ID, IMAGE_ID, IMAGE_VERSION). */
  readonly osRelease: Readonly<Record<string, string>>;
  readonly managerUser: UserRecord;
}


export const defaultUnitHostFacts: UnitHostFacts = {
  hostname: 'localhost',
  architecture: 'x86-64',
  kernelRelease: '',
  osRelease: {},
  managerUser: ROOT_USER,
};

export interface SpecifierContext {
  readonly unitName: string;
  /** The unit file (the template's file for an instance); %y and %Y. */
  readonly fragmentPath?: string;
  readonly host: UnitHostFacts;
}

function resolveOne(c: string, ctx: SpecifierContext): string | undefined {
  const unit = parseUnitName(ctx.unitName);
  const prefix = unit?.prefix ?? ctx.unitName;
  const instance = unit?.instance ?? '';
  const lastDash = prefix.lastIndexOf('-');
  const prefixTail = lastDash >= 0 ? prefix.slice(lastDash + 1) : prefix;
  const h = ctx.host;
  const need = (v: string | undefined, what: string): string => {
    if (v === undefined) throw new UnitValueError(`Failed to resolve %${c}: ${what} unknown`, `%${c}`);
    return v;
  };
  switch (c) {
    case '%': return '%';
    case 'n': return ctx.unitName;
    case 'N': return unit ? ctx.unitName.slice(0, -(unit.type.length + 1)) : ctx.unitName;
    case 'p': return prefix;
    case 'P': return unescapeUnitName(prefix);
    case 'i': return instance;
    case 'I': return unescapeUnitName(instance);
    case 'j': return prefixTail;
    case 'J': return unescapeUnitName(prefixTail);
    case 'f': return unescapeUnitPath(unit?.instance ? instance : prefix);
    case 'y': return need(ctx.fragmentPath, 'fragment path');
    case 'Y': {
      const path = need(ctx.fragmentPath, 'fragment path');
      return path.slice(0, path.lastIndexOf('/')) || '/';
    }
    case 'u': return h.managerUser.name;
    case 'U': return String(h.managerUser.uid);
    case 'g': return SYNTHESIZED_GROUPS.find((g) => g.gid === h.managerUser.gid)?.name ?? String(h.managerUser.gid);
    case 'G': return String(h.managerUser.gid);
    case 'h': return h.managerUser.home;
    case 's': return h.managerUser.shell;
    case 'H': return h.hostname;
    case 'l': return h.hostname.split('.')[0] ?? h.hostname;
    case 'q': return h.prettyHostname || (h.hostname.split('.')[0] ?? h.hostname);
    case 'm': return need(h.machineId, 'machine ID');
    case 'b': return need(h.bootId, 'boot ID');
    case 'a': return h.architecture;
    case 'v': return h.kernelRelease;
    case 'o': return h.osRelease['ID'] ?? '';
    case 'w': return h.osRelease['VERSION_ID'] ?? '';
    case 'W': return h.osRelease['VARIANT_ID'] ?? '';
    case 'B': return h.osRelease['BUILD_ID'] ?? '';
    case 'M': return h.osRelease['IMAGE_ID'] ?? '';
    case 'A': return h.osRelease['IMAGE_VERSION'] ?? '';
    case 'C': return '/var/cache';
    case 'E': return '/etc';
    case 'L': return '/var/log';
    case 'S': return '/var/lib';
    case 't': return '/run';
    case 'T': return '/tmp';
    case 'V': return '/var/tmp';
    case 'd': return `/run/credentials/${ctx.unitName}`;
    default: return undefined;
  }
}

/** Expands every `%x` in `text`; an unknown specifier or a trailing `%` fails, as in systemd. */
export function expandSpecifiers(text: string, ctx: SpecifierContext): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const spec = text[i + 1];
    if (spec === undefined) throw new UnitValueError('Trailing % in specifier string', text);
    const value = resolveOne(spec, ctx);
    if (value === undefined) throw new UnitValueError(`Unknown specifier %${spec}`, text);
    out += value;
    i++;
  }
  return out;
}
