// Errors the unit layer throws. Parsing problems are diagnostics (values); these are for callers
// asking for something that cannot be produced at all.
import { NsboxError } from '../errors.js';
import type { UnitDiagnostic } from './diagnostics.js';

/** A unit could not be loaded: not found, masked, or a fatal setting (diagnostics say which). */
export class UnitLoadError extends NsboxError {
  readonly code = 'UNIT_LOAD';
  constructor(
    readonly unitName: string,
    readonly reason: 'not-found' | 'masked' | 'bad-setting' | 'invalid-name',
    readonly diagnostics: readonly UnitDiagnostic[] = [],
  ) {
    super(`${unitName}: ${reason}`);
    this.name = 'UnitLoadError';
  }
}

/** A value could not be parsed; carries the text so a directive parser can report it. */
export class UnitValueError extends NsboxError {
  readonly code = 'UNIT_VALUE';
  constructor(message: string, readonly value: string) {
    super(message);
    this.name = 'UnitValueError';
  }
}
