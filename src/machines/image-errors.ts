// What can go wrong with an image, each naming the image (and path) at fault.
import { NsboxError } from '../errors.js';

export class InvalidImageNameError extends NsboxError {
  readonly code = 'IMAGE_INVALID_NAME';
  constructor(readonly image: string) {
    super(`Invalid image name '${image}': 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'`);
    this.name = 'InvalidImageNameError';
  }
}

export class ImageNotFoundError extends NsboxError {
  readonly code = 'IMAGE_NOT_FOUND';
  constructor(readonly image: string, readonly searched: readonly string[]) {
    super(`No image '${image}' (looked in ${searched.join(', ')})`);
    this.name = 'ImageNotFoundError';
  }
}

export class ImageExistsError extends NsboxError {
  readonly code = 'IMAGE_EXISTS';
  constructor(readonly image: string, readonly path: string) {
    super(`Image '${image}' already exists (${path})`);
    this.name = 'ImageExistsError';
  }
}

/** A running container uses the image: it may not be removed, renamed or changed under it. */
export class ImageBusyError extends NsboxError {
  readonly code = 'IMAGE_BUSY';
  constructor(readonly image: string, readonly machine: string) {
    super(`Image '${image}' is in use by running machine '${machine}'`);
    this.name = 'ImageBusyError';
  }
}

export class ImageReadOnlyError extends NsboxError {
  readonly code = 'IMAGE_READ_ONLY';
  constructor(readonly image: string, readonly path: string) {
    super(`Image '${image}' is read-only (${path}); 'machinectl read-only ${image} no' first`);
    this.name = 'ImageReadOnlyError';
  }
}

/** An image operation that failed part-way; nothing of it was left behind. */
export class ImageOperationError extends NsboxError {
  readonly code = 'IMAGE_OPERATION';
  constructor(readonly image: string, readonly operation: string, readonly detail: string) {
    super(`Failed to ${operation} image '${image}': ${detail}`);
    this.name = 'ImageOperationError';
  }
}
