// Diagnostics are values: the library never prints. Severity follows systemd's handling:
// a 'warning' is an assignment systemd ignores (the unit still loads), an 'error' makes the unit
// fail to load (systemd's "bad-setting" load state).

export type DiagnosticSeverity = 'warning' | 'error';

export interface UnitDiagnostic {
  readonly severity: DiagnosticSeverity;
  readonly file: string;
  /** 1-based line of the assignment (of its first physical line for continuations); 0: whole file. */
  readonly line: number;
  readonly section?: string;
  readonly key?: string;
  readonly message: string;
}

/** Renders a diagnostic the way systemd logs it: `FILE:LINE: message`. */
export function formatDiagnostic(d: UnitDiagnostic): string {
  return d.line > 0 ? `${d.file}:${d.line}: ${d.message}` : `${d.file}: ${d.message}`;
}
