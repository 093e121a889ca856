// What `analyze security` refuses of its inputs: a policy or profile file that cannot be read or parsed.
import { NsboxError } from '../errors.js';

export class SecurityInputError extends NsboxError {
  readonly code = 'SECURITY_INPUT';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'SecurityInputError';
  }
}
