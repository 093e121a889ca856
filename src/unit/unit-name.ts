// Unit names (systemd.unit(5)): prefix, optional @instance, .type suffix; escaping of paths and
// strings into names (systemd-escape(1)).

export const UNIT_TYPES = [
  'service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export interface UnitName {
  readonly name: string;
  /** The part before `@` (or before the suffix when there is no `@`). */
  readonly prefix: string;
  /** undefined: not a template or instance; '': a template (`foo@.service`). */
  readonly instance: string | undefined;
  readonly type: UnitType;
}

const UNIT_NAME_MAX = 255;
const VALID_CHARS = /^[A-Za-z0-9:_.\\@-]+$/;

export function parseUnitName(name: string): UnitName | undefined {
  if (name.length === 0 || name.length > UNIT_NAME_MAX || !VALID_CHARS.test(name)) return undefined;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const type = name.slice(dot + 1);
  if (!(UNIT_TYPES as readonly string[]).includes(type)) return undefined;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) return { name, prefix: stem, instance: undefined, type: type as UnitType };
  if (at === 0 || stem.indexOf('@', at + 1) >= 0) return undefined;
  return { name, prefix: stem.slice(0, at), instance: stem.slice(at + 1), type: type as UnitType };
}

export const isTemplate = (u: UnitName): boolean => u.instance === '';
export const isInstance = (u: UnitName): boolean => u.instance !== undefined && u.instance !== '';

/** `foo@bar.service` -> `foo@.service`; undefined when not an instance. */
export function templateOf(u: UnitName): string | undefined {
  return isInstance(u) ? `${u.prefix}@.${u.type}` : undefined;
}

/** `foo@.service` + `bar` -> `foo@bar.service`. */
export function instantiate(template: UnitName, instance: string): string {
  return `${template.prefix}@${instance}.${template.type}`;
}

/** unit_name_unescape(): `\xNN` decoded, `-` becomes `/`. */
export function unescapeUnitName(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '-') out += '/';
    else if (c === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else out += c;
  }
  return out;
}

/** unit_name_path_unescape(): `-` alone is `/`; otherwise the unescaped text with `/` prepended. */
export function unescapeUnitPath(s: string): string {
  if (s === '-' || s === '') return '/';
  return `/${unescapeUnitName(s)}`;
}

/** systemd-escape: keeps [A-Za-z0-9:_.] (but not a leading `.`), `/` -> `-`, the rest `\xNN`. */
export function escapeUnitName(s: string): string {
  let out = '';
  for (const [i, c] of [...s].entries()) {
    if (c === '/') out += '-';
    else if (/[A-Za-z0-9:_]/.test(c) || (c === '.' && i > 0)) out += c;
    else for (const b of new TextEncoder().encode(c)) out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** systemd-escape --path: trims slashes, `/` is `-`. */
export function escapeUnitPath(path: string): string {
  const trimmed = path.replace(/\/+/g, '/').replace(/^\/|\/$/g, '');
  return trimmed === '' ? '-' : escapeUnitName(trimmed);
}

/**
 * Names whose drop-in directories apply to `u`, most specific first: the name itself, its template,
 * then each dash prefix from the longest (`foo-bar-.service`) to the shortest, then the bare type
 * (`service`, giving `service.d/`).
 */
export function dropInNames(u: UnitName): string[] {
  const names = [u.name];
  const template = templateOf(u);
  if (template) names.push(template);
  const stem = u.prefix;
  for (let dash = stem.lastIndexOf('-'); dash > 0; dash = stem.lastIndexOf('-', dash - 1)) {
    names.push(`${stem.slice(0, dash + 1)}.${u.type}`);
  }
  names.push(u.type);
  return names;
}
