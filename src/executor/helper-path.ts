// Where the native helper lives. Only the executor knows this path.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RELATIVE = 'native/build/nsbox-helper';

/** The package root is a few levels up: dist/src/executor/ compiled, dist/bundle/ bundled. */
function findHelper(): string {
  for (const up of ['../../../', '../../', '../../../../']) {
    const candidate = fileURLToPath(new URL(up + RELATIVE, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  return fileURLToPath(new URL('../../../' + RELATIVE, import.meta.url));
}

/** NSBOX_HELPER overrides, for a helper built elsewhere. */
export const helperPath: string = process.env.NSBOX_HELPER ?? findHelper();
