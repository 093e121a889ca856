// [Install] directives (systemd.unit(5) "[Install] Section Options"); only `systemctl enable` reads
// them, so they are kept as names without further checks beyond validity.
import { UnitValueError } from './errors.js';
import { on, scalar, wordList, type AnyDirective, type DirectiveContext } from './directive.js';
import { parseUnitName } from './unit-name.js';

const install = on('install');

function unitNameItem(word: string, ctx: DirectiveContext): string {
  const name = ctx.expand(word);
  if (!parseUnitName(name)) throw new UnitValueError('Invalid unit name', word);
  return name;
}

export const installDirectives = {
  Alias: install('alias', wordList(unitNameItem)),
  WantedBy: install('wantedBy', wordList(unitNameItem)),
  RequiredBy: install('requiredBy', wordList(unitNameItem)),
  Also: install('also', wordList(unitNameItem)),
  DefaultInstance: install('defaultInstance', scalar((v, ctx) => (v === '' ? undefined : ctx.expand(v)))),
} satisfies Record<string, AnyDirective>;
