// Where the native helper lives. Only the executor knows this path.
import { fileURLToPath } from 'node:url';

/** Compiled to dist/src/executor/, three levels below the package root. NSBOX_HELPER overrides. */
export const helperPath: string =
  process.env.NSBOX_HELPER ?? fileURLToPath(new URL('../../../native/build/nsbox-helper', import.meta.url));
