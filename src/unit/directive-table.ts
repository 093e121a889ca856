// The one directive table: which section a key lives in and which parser fills which field.
import type { ExecSettings } from './exec-settings.js';
import type { AnyDirective } from './directive.js';
import { execDirectives } from './directives-exec.js';
import { installDirectives } from './directives-install.js';
import { serviceDirectives } from './directives-service.js';
import { unitDirectives } from './directives-unit.js';
import type { InstallSection, ServiceSection, UnitSection } from './settings.js';
import type { UnitType } from './unit-name.js';

type FieldsOf<Table, T extends string> = Extract<Table[keyof Table], { target: T }> extends { field: infer F } ? F : never;
// The compiler refuses to build when a settings field has no directive filling it.
type Missing<Model, Table, T extends string> = Exclude<keyof Model, FieldsOf<Table, T>>;
const everyExecFieldHasADirective: [Missing<ExecSettings, typeof execDirectives, 'exec'>] extends [never] ? true : never = true;
const everyServiceFieldHasADirective: [Missing<ServiceSection, typeof serviceDirectives, 'service'>] extends [never] ? true : never = true;
const everyUnitFieldHasADirective: [Missing<UnitSection, typeof unitDirectives, 'unit'>] extends [never] ? true : never = true;
const everyInstallFieldHasADirective: [Missing<InstallSection, typeof installDirectives, 'install'>] extends [never] ? true : never = true;
export const tableIsComplete = everyExecFieldHasADirective && everyServiceFieldHasADirective
  && everyUnitFieldHasADirective && everyInstallFieldHasADirective;

/** The section that holds a unit type's own settings: `Service` for .service ... */
export const TYPE_SECTION: Readonly<Record<UnitType, string | undefined>> = {
  service: 'Service', socket: 'Socket', mount: 'Mount', automount: 'Automount', swap: 'Swap',
  timer: 'Timer', path: 'Path', slice: 'Slice', scope: 'Scope', target: undefined, device: undefined,
};

/** Unit types whose own section also takes the systemd.exec(5) settings. */
const EXEC_TYPES: ReadonlySet<UnitType> = new Set<UnitType>(['service', 'socket', 'mount', 'swap']);

/** The modelled directive for `key` in `section` of a unit of `type`, if any. */
export function lookupDirective(type: UnitType, section: string, key: string): AnyDirective | undefined {
  const own = <K extends string>(table: Record<K, AnyDirective>): AnyDirective | undefined =>
    Object.hasOwn(table, key) ? table[key as K] : undefined;
  if (section === 'Unit') return own(unitDirectives);
  if (section === 'Install') return own(installDirectives);
  if (section !== TYPE_SECTION[type]) return undefined;
  if (type === 'service') {
    const d = own(serviceDirectives);
    if (d) return d;
  }
  return EXEC_TYPES.has(type) ? own(execDirectives) : undefined;
}

/** Sections a unit of `type` may contain. */
export function sectionsFor(type: UnitType): ReadonlySet<string> {
  const own = TYPE_SECTION[type];
  return new Set(own ? ['Unit', own, 'Install'] : ['Unit', 'Install']);
}

export const DIRECTIVE_TABLES = { unitDirectives, serviceDirectives, execDirectives, installDirectives } as const;
