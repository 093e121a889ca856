// The unit layer's public surface, for src/index.ts to re-export.
export type { UnitDiagnostic, DiagnosticSeverity } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';
export { UnitValueError } from './errors.js';
export { lexUnitFile, type Assignment, type LexedFile } from './lexer.js';
export { applyAssignments, type ParseResult } from './parse.js';
export { createLoadCache, loadUnit, loadUnitFile, readHostFacts, TEST_INSTANCE, type LoadCache, type LoadedUnit, type LoadOptions, type LoadState } from './load.js';
export { unitSearchPath, dropInDirectories, SYSTEM_UNIT_PATH } from './search-path.js';
export { expandSpecifiers, defaultUnitHostFacts, type UnitHostFacts, type SpecifierContext } from './specifiers.js';
export { parseExecLine, resolveCommandPath, DEFAULT_EXEC_SEARCH_PATH } from './exec-line.js';
export { expandArgv, expandWord } from './env-expand.js';
export { parseUnitName, escapeUnitName, escapeUnitPath, unescapeUnitName, type UnitName, type UnitType } from './unit-name.js';
export { parseBoolean, parseTimeSpan, formatTimeSpan, parseSize, parseSizeOrPercent } from './values.js';
export { defaultUnitSettings, effectiveServiceType, type UnitSettings, type UnitSection, type ServiceSection, type InstallSection } from './settings.js';
export { verifyUnit } from './verify.js';
