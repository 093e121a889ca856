// Why a unit cannot be planned at all (as opposed to one command failing to start).
import { NsboxError } from '../errors.js';
import type { LoadState } from '../unit/index.js';

export class UnitNotLoadedError extends NsboxError {
  readonly code = 'UNIT_NOT_LOADED';
  constructor(readonly unit: string, readonly loadState: LoadState, readonly details: readonly string[] = []) {
    super(UnitNotLoadedError.describe(unit, loadState));
    this.name = 'UnitNotLoadedError';
  }

  private static describe(unit: string, state: LoadState): string {
    switch (state) {
      case 'not-found': return `Unit ${unit} not found.`;
      case 'masked': return `Unit ${unit} is masked.`;
      case 'invalid-name': return `Unit name ${unit} is not valid.`;
      case 'bad-setting': return `Unit ${unit} has a bad unit file setting.`;
      case 'loaded': return `Unit ${unit} is loaded.`;
    }
  }
}

/** The unit is loaded but is not a service: only services have Exec*= commands to plan. */
export class NotAServiceError extends NsboxError {
  readonly code = 'NOT_A_SERVICE';
  constructor(readonly unit: string) {
    super(`Unit ${unit} is not a service; only services have commands to plan.`);
    this.name = 'NotAServiceError';
  }
}

/** A link that enable/disable/mask planned could not be made or removed (the path, the errno's code). */
export class EnablementError extends NsboxError {
  readonly code = 'ENABLEMENT';
  constructor(message: string, readonly path: string, readonly errno?: string) {
    super(message);
    this.name = 'EnablementError';
  }
}
