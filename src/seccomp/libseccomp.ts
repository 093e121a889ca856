// The FFI binding to libseccomp (via koffi), loaded once, and the few helpers every program built
// here shares: action codes, per-architecture contexts, and exporting a context as classic BPF.
import { koffi } from '../ffi/koffi.js';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NsboxError } from '../errors.js';
import type { SystemCallAction } from '../unit/exec-settings.js';

export const SCMP_ACT_ALLOW = 0x7fff0000;
export const SCMP_ACT_KILL_PROCESS = 0x80000000;
export const SCMP_ACT_LOG = 0x7ffc0000;
export const SCMP_ACT_ERRNO = (errno: number): number => (0x00050000 | (errno & 0xffff)) >>> 0;
export const NR_SCMP_ERROR = -1;
/** enum scmp_filter_attr: the action for a system call of an architecture the filter lacks. */
const SCMP_FLTATR_ACT_BADARCH = 2;

export class SeccompCompileError extends NsboxError {
  readonly code = 'SECCOMP_COMPILE';
  constructor(readonly step: string, readonly ret: number) {
    super(`libseccomp ${step} failed: ${ret}`);
    this.name = 'SeccompCompileError';
  }
}

export interface Libseccomp {
  init: (action: number) => unknown;
  release: (ctx: unknown) => void;
  ruleAdd: (ctx: unknown, action: number, syscall: number, argCount: number, args: Buffer | null) => number;
  ruleAddExact: (ctx: unknown, action: number, syscall: number, argCount: number, args: Buffer | null) => number;
  resolveName: (name: string) => number;
  archAdd: (ctx: unknown, arch: number) => number;
  archRemove: (ctx: unknown, arch: number) => number;
  archNative: () => number;
  archResolve: (name: string) => number;
  attrSet: (ctx: unknown, attr: number, value: number) => number;
  merge: (dst: unknown, src: unknown) => number;
  exportBpf: (ctx: unknown, fd: number) => number;
}

let lib: Libseccomp | undefined;

export function libseccomp(): Libseccomp {
  if (lib) return lib;
  const so = koffi().load('libseccomp.so.2');
  lib = {
    init: so.func('void *seccomp_init(uint32_t def_action)'),
    release: so.func('void seccomp_release(void *ctx)'),
    ruleAdd: so.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const void *arg_array)'),
    ruleAddExact: so.func('int seccomp_rule_add_exact_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const void *arg_array)'),
    resolveName: so.func('int seccomp_syscall_resolve_name(const char *name)'),
    archAdd: so.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)'),
    archRemove: so.func('int seccomp_arch_remove(void *ctx, uint32_t arch_token)'),
    archNative: so.func('uint32_t seccomp_arch_native()'),
    archResolve: so.func('uint32_t seccomp_arch_resolve_name(const char *arch_name)'),
    attrSet: so.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
    merge: so.func('int seccomp_merge(void *ctx_dst, void *ctx_src)'),
    exportBpf: so.func('int seccomp_export_bpf(void *ctx, int fd)'),
  };
  return lib;
}

export const actionCode = (a: SystemCallAction): number =>
  a.kind === 'errno' ? SCMP_ACT_ERRNO(a.errno) : a.kind === 'log' ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS;

/** systemd's architecture names -> libseccomp's; 'native' is the filter's own architecture. */
export const ARCH_NAMES: Readonly<Record<string, string>> = { 'x86-64': 'x86_64', x86: 'x86', x32: 'x32', arm64: 'aarch64' };

/** libseccomp's name of the native architecture -> the other ABIs its kernel also runs. */
const SECONDARY_ARCHES: Readonly<Record<string, readonly string[]>> = {
  x86_64: ['x86', 'x32'], aarch64: ['arm'], ppc64le: [], s390x: ['s390'],
};
const NATIVE_NAMES: Readonly<Record<number, string>> = { 0xc000003e: 'x86_64', 0xc00000b7: 'aarch64', 0xc0000015: 'ppc64le', 0x80000016: 's390x' };

/** Every architecture this kernel executes (systemd's "local archs"), native first, as tokens. */
export function localArchTokens(seccomp: Libseccomp): { name: string; token: number }[] {
  const native = seccomp.archNative() >>> 0;
  const nativeName = NATIVE_NAMES[native] ?? 'native';
  const others = (SECONDARY_ARCHES[nativeName] ?? [])
    .map((name) => ({ name, token: seccomp.archResolve(name) >>> 0 })).filter((a) => a.token !== 0);
  return [{ name: nativeName, token: native }, ...others];
}

/**
 * A context for one architecture whose calls of other architectures pass (systemd's
 * seccomp_init_for_arch): programs built per architecture are merged, and a concern that cannot
 * be expressed on one architecture must not kill processes of another.
 */
export function contextForArch(seccomp: Libseccomp, token: number, defaultAction: number): unknown {
  const ctx = seccomp.init(defaultAction);
  if (!ctx) throw new SeccompCompileError('seccomp_init', -1);
  const native = seccomp.archNative() >>> 0;
  if (token !== native) {
    const add = seccomp.archAdd(ctx, token);
    const remove = seccomp.archRemove(ctx, native);
    if (add < 0 || remove < 0) {
      seccomp.release(ctx);
      throw new SeccompCompileError('seccomp_arch_add', Math.min(add, remove));
    }
  }
  const ret = seccomp.attrSet(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
  if (ret < 0) {
    seccomp.release(ctx);
    throw new SeccompCompileError('seccomp_attr_set', ret);
  }
  return ctx;
}

/** libseccomp writes programs only to an fd: a private temporary file, read back and removed. */
export function exportProgram(seccomp: Libseccomp, ctx: unknown): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'nsbox-bpf-'));
  try {
    const file = join(dir, 'filter.bpf');
    const fd = openSync(file, 'w', 0o600);
    try {
      const ret = seccomp.exportBpf(ctx, fd);
      if (ret < 0) throw new SeccompCompileError('seccomp_export_bpf', ret);
    } finally {
      closeSync(fd);
    }
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
