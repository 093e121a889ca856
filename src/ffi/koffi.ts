// koffi (the FFI to libc and libseccomp), loaded once, the fast way when it can be.
// koffi's entry point finds its native module by trying a dozen candidate paths with failing
// require() calls, ~15 ms that every container start paid; the module for this platform is one
// known file of its platform package, loaded here directly. Anything unexpected falls back to
// koffi's own loader, so a different layout costs time, never correctness.
import { createRequire } from 'node:module';

/**
 * A C function: its types are in the signature string, which TypeScript cannot read, so each
 * binding (libc.ts, libseccomp.ts) assigns it to a typed field right where it is declared.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ForeignFunction = (...args: any[]) => any;

/** The part of koffi's API nsbox uses. */
export interface KoffiLibrary {
  func(signature: string): ForeignFunction;
}

export interface Koffi {
  load(path: string): KoffiLibrary;
  readonly version: string;
  /** The address of a Buffer's bytes, for a pointer inside a struct the kernel reads (bpf_attr). */
  address(value: Uint8Array): bigint;
  /** errno as the last foreign call left it. */
  errno(): number;
}

const require = createRequire(import.meta.url);
let loaded: Koffi | undefined;

function direct(): Koffi | undefined {
  if (process.platform !== 'linux') return undefined;
  // The glibc build; on a musl host its dlopen fails and koffi's loader picks the musl_ one.
  try {
    const platformPackage = `@koromix/koffi-linux-${process.arch}`;
    const expected = (require(`${platformPackage}/package.json`) as { version: string }).version;
    const path = require.resolve(`${platformPackage}/linux_${process.arch}/koffi.node`);
    const module = { exports: {} as Partial<Koffi> };
    process.dlopen(module, path);
    const native = module.exports;
    return typeof native.load === 'function' && native.version === expected ? (native as Koffi) : undefined;
  } catch {
    return undefined;
  }
}

export function koffi(): Koffi {
  loaded ??= direct() ?? (require('koffi') as Koffi);
  return loaded;
}
