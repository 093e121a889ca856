// A service unit given as text rather than found on disk (the Node API's options become one):
// lexed, parsed and checked exactly as a unit file is, so the same settings mean the same thing
// wherever they come from.
import { lexUnitFile } from './lexer.js';
import { applyAssignments } from './parse.js';
import { sectionsFor } from './directive-table.js';
import { defaultUnitHostFacts, type UnitHostFacts } from './specifiers.js';
import { verified, type LoadedUnit } from './load.js';

/** `name` must be a valid service name; `file` names the text in diagnostics. */
export function loadServiceText(name: string, text: string, file: string, host: UnitHostFacts = defaultUnitHostFacts): LoadedUnit {
  const lexed = lexUnitFile(text, file, { knownSections: sectionsFor('service') });
  const parsed = applyAssignments([lexed], 'service', { unitName: name, host });
  return { name, ...verified(parsed, 'service', name), dropInPaths: [], aliases: [] };
}
