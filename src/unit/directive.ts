// The shape of a directive table entry (key -> parser -> field) and the helpers that build typed
// entries. An entry's `apply` receives the field's current value and returns the new one, so list
// semantics (append, reset on empty, merge) live with the parser and nowhere else.
import type { ExecSettings } from './exec-settings.js';
import type { InstallSection, ServiceSection, UnitSection } from './settings.js';
import { parseBoolean } from './values.js';
import { splitWords } from './words.js';

export interface SettingsModel {
  unit: UnitSection;
  service: ServiceSection;
  exec: ExecSettings;
  install: InstallSection;
}
export type Target = keyof SettingsModel;

export interface DirectiveContext {
  /** The directive as written, e.g. `ReadOnlyDirectories`. */
  readonly key: string;
  /** Resolves specifiers; throws UnitValueError on an unknown one. */
  readonly expand: (text: string) => string;
  /** A problem with part of the value that systemd skips while keeping the rest. */
  readonly warn: (message: string) => void;
  /** A problem that makes the unit fail to load. */
  readonly fail: (message: string) => void;
}

export interface Directive<T extends Target = Target, F extends keyof SettingsModel[T] = keyof SettingsModel[T]> {
  readonly target: T;
  readonly field: F;
  /** Throws UnitValueError for an invalid value; the caller reports it and keeps `current`. */
  readonly apply: (current: SettingsModel[T][F], value: string, ctx: DirectiveContext) => SettingsModel[T][F];
  /** An invalid value makes the unit fail to load instead of being ignored. */
  readonly fatal?: boolean;
  /** What systemd calls the value in its "Failed to parse …" message. */
  readonly what?: string;
}

/** Any well-formed entry; tables are checked against this with `satisfies`. */
export type AnyDirective = {
  [T in Target]: { [F in keyof SettingsModel[T]]-?: Directive<T, F> }[keyof SettingsModel[T]];
}[Target];

type Apply<T extends Target, F extends keyof SettingsModel[T]> = Directive<T, F>['apply'];
type Options = { readonly fatal?: boolean; readonly what?: string };

export function on<T extends Target>(target: T) {
  return <F extends keyof SettingsModel[T]>(field: F, apply: Apply<T, F>, opts: Options = {}): Directive<T, F> =>
    ({ target, field, apply, ...opts });
}

export const bool = (_current: boolean | undefined, value: string): boolean => parseBoolean(value);

/** A single value parsed by `parse`; an empty assignment restores `empty` (usually "unset"). */
export function scalar<V>(parse: (value: string, ctx: DirectiveContext) => V) {
  return (_current: unknown, value: string, ctx: DirectiveContext): V => parse(value, ctx);
}

/**
 * A list appended to by each assignment, reset by an empty one. Items come from whitespace-split,
 * unquoted words; an item that fails to parse is warned about and skipped, the rest are kept.
 */
export function wordList<I>(parseItem: (word: string, ctx: DirectiveContext) => I, opts: { cunescape?: boolean; retainEscape?: boolean } = {}) {
  return (current: readonly I[], value: string, ctx: DirectiveContext): readonly I[] => {
    if (value === '') return [];
    const items: I[] = [];
    for (const word of splitWords(value, { unquote: true, cunescape: opts.cunescape ?? false, retainEscape: opts.retainEscape ?? false })) {
      try {
        items.push(parseItem(word, ctx));
      } catch (e) {
        if (!(e instanceof Error) || !('value' in e)) throw e;
        ctx.warn(`${e.message}, ignoring: ${word}`);
      }
    }
    return [...current, ...items];
  };
}
