// Errors the unit layer throws. Parsing problems are diagnostics (values); these are for callers
// asking for something that cannot be produced at all.
import { NsboxError } from '../errors.js';

/** A value could not be parsed; carries the text so a directive parser can report it. */
export class UnitValueError extends NsboxError {
  readonly code = 'UNIT_VALUE';
  constructor(message: string, readonly value: string) {
    super(message);
    this.name = 'UnitValueError';
  }
}
