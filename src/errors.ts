// The base of every error nsbox throws, and the errors of the executor and the plan. Each class
// has a stable `code` (error-codes.ts lists them all, a test keeps the list whole) and the context
// fields that explain it; across a socket it travels as {code, message, fields} and is rebuilt as
// the same class (error-codes.ts).

/** What an error is on the wire: its code, its message and its context fields. */
export interface SerializedError {
  readonly code: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

const NOT_FIELDS = new Set(['code', 'name', 'message', 'stack', 'cause']);

export abstract class NsboxError extends Error {
  abstract readonly code: string;

  /** The context fields: the class's own properties (constructor parameters), by name. */
  fields(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([k]) => !NOT_FIELDS.has(k)));
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, fields: this.fields() };
  }
}

/** The helper failed while building the sandbox: names the op, its path(s) and the errno. */
export class SandboxSetupError extends NsboxError {
  readonly code = 'SANDBOX_SETUP';
  constructor(
    /** Short description of what failed, e.g. `bind /srv/data -> /data` or `exec /bin/foo`. */
    readonly what: string,
    /** Index of the failed op in plan.ops, or -1 for a process-setup step. */
    readonly opIndex: number,
    /** The step name (OP, CLONE, EXEC, CHDIR ...). */
    readonly step: string,
    readonly errno: number,
    readonly errnoName: string,
    readonly errnoText: string,
  ) {
    super(`${what}: ${errnoText}`);
    this.name = 'SandboxSetupError';
  }
}

/** The helper could not be started or spoke out of protocol. */
export class HelperError extends NsboxError {
  readonly code = 'HELPER';
  constructor(message: string, readonly helperPath: string) {
    super(message);
    this.name = 'HelperError';
  }
}

/** A plan that the encoder or the helper refuses (bad path, size out of range ...). */
export class InvalidPlanError extends NsboxError {
  readonly code = 'INVALID_PLAN';
  constructor(message: string, readonly field: string) {
    super(`${field}: ${message}`);
    this.name = 'InvalidPlanError';
  }
}

/** A file of a tree that nsbox must read is something no tree should hold there (see tree-files). */
export class TreeFileError extends NsboxError {
  readonly code = 'TREE_FILE';
  constructor(readonly root: string, readonly path: string, readonly reason: string) {
    super(`${root}: ${path}: ${reason}`);
    this.name = 'TreeFileError';
  }
}

/** The helper's report stream broke the protocol: not whole records, an unknown type or step. */
export class HelperProtocolError extends NsboxError {
  readonly code = 'HELPER_PROTOCOL';
  constructor(message: string) {
    super(message);
    this.name = 'HelperProtocolError';
  }
}
