// SeccompPolicy -> classic BPF through libseccomp (FFI via koffi). The one edge of this folder:
// libseccomp resolves names per architecture and writes the program to an fd, read back here.
import koffi from 'koffi';
import { mkdtempSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SystemCallAction } from '../sandbox/exec-settings.js';
import type { SeccompPolicy } from '../sandbox/seccomp-policy.js';
import { expandSyscallNames } from './groups.js';
import { foldFilterLines } from './filter-set.js';

const SCMP_ACT_ALLOW = 0x7fff0000;
const SCMP_ACT_KILL_PROCESS = 0x80000000;
const SCMP_ACT_LOG = 0x7ffc0000;
const SCMP_ACT_ERRNO = (errno: number): number => (0x00050000 | (errno & 0xffff)) >>> 0;
const NR_SCMP_ERROR = -1;

export class SeccompCompileError extends Error {
  readonly code = 'SECCOMP_COMPILE';
  constructor(readonly step: string, readonly ret: number) {
    super(`libseccomp ${step} failed: ${ret}`);
    this.name = 'SeccompCompileError';
  }
}

interface Libseccomp {
  init: (action: number) => unknown;
  release: (ctx: unknown) => void;
  ruleAdd: (ctx: unknown, action: number, syscall: number, argCount: number, args: null) => number;
  resolveName: (name: string) => number;
  archAdd: (ctx: unknown, arch: number) => number;
  archResolve: (name: string) => number;
  exportBpf: (ctx: unknown, fd: number) => number;
}

let lib: Libseccomp | undefined;

function libseccomp(): Libseccomp {
  if (lib) return lib;
  const so = koffi.load('libseccomp.so.2');
  lib = {
    init: so.func('void *seccomp_init(uint32_t def_action)'),
    release: so.func('void seccomp_release(void *ctx)'),
    ruleAdd: so.func('int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, void *arg_array)'),
    resolveName: so.func('int seccomp_syscall_resolve_name(const char *name)'),
    archAdd: so.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)'),
    archResolve: so.func('uint32_t seccomp_arch_resolve_name(const char *arch_name)'),
    exportBpf: so.func('int seccomp_export_bpf(void *ctx, int fd)'),
  };
  return lib;
}

const actionCode = (a: SystemCallAction): number =>
  a.kind === 'errno' ? SCMP_ACT_ERRNO(a.errno) : a.kind === 'log' ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS;

/** systemd's names -> libseccomp's; 'native' is the filter's own architecture. */
const ARCH_NAMES: Readonly<Record<string, string>> = { 'x86-64': 'x86_64', x86: 'x86', x32: 'x32', arm64: 'aarch64' };

/** Features whose filters need argument checks this compiler does not emit yet. */
export function unenforcedFeatures(policy: SeccompPolicy): string[] {
  return [
    policy.restrictNamespaces ? 'RestrictNamespaces=' : '', policy.lockPersonality ? 'LockPersonality=' : '',
    policy.restrictRealtime ? 'RestrictRealtime=' : '', policy.restrictSUIDSGID ? 'RestrictSUIDSGID=' : '',
    policy.memoryDenyWriteExecute ? 'MemoryDenyWriteExecute=' : '',
  ].filter((f) => f !== '');
}

/** Compiles the policy into one program; names unknown on this architecture are skipped. */
export function compileSeccomp(policy: SeccompPolicy): Uint8Array {
  const seccomp = libseccomp();
  const set = foldFilterLines(policy.filter);
  const allowList = set?.allowList ?? false;
  const ctx = seccomp.init(allowList ? actionCode(policy.defaultAction) : SCMP_ACT_ALLOW);
  if (!ctx) throw new SeccompCompileError('seccomp_init', -1);
  try {
    // Without SystemCallArchitectures=, calls of the secondary ABIs (x86, x32) are filtered too
    // rather than killed as a bad architecture; with it, only the listed ones are let in.
    const arches = policy.architectures.length > 0 ? policy.architectures : ['native', 'x86', 'x32'];
    for (const name of arches) {
      if (name === 'native') continue;
      const token = seccomp.archResolve(ARCH_NAMES[name] ?? name);
      if (token !== 0) seccomp.archAdd(ctx, token);
    }
    const add = (name: string, action: number): void => {
      const nr = seccomp.resolveName(name);
      if (nr === NR_SCMP_ERROR) return;
      const ret = seccomp.ruleAdd(ctx, action, nr, 0, null);
      // -EEXIST: the same rule again; -EACCES/-EINVAL: the action equals the default (allowed twice).
      if (ret < 0 && ret !== -17 && ret !== -13) throw new SeccompCompileError(`seccomp_rule_add(${name})`, ret);
    };
    const implied = new Map<string, number>();
    for (const d of policy.denies) for (const n of d.names.flatMap((x) => expandSyscallNames(x))) implied.set(n, actionCode(d.action));
    if (allowList) {
      // Calls another setting denies are left out of the allow list, so they get the default action.
      for (const name of set?.calls.keys() ?? []) if (!implied.has(name)) add(name, SCMP_ACT_ALLOW);
    } else {
      for (const [name, action] of set?.calls ?? []) add(name, actionCode(action ?? policy.defaultAction));
      for (const [name, action] of implied) if (!set?.calls.has(name)) add(name, action);
    }
    return exportProgram(seccomp, ctx);
  } finally {
    seccomp.release(ctx);
  }
}

function exportProgram(seccomp: Libseccomp, ctx: unknown): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'nsbox-bpf-'));
  const file = join(dir, 'filter.bpf');
  const fd = openSync(file, 'w', 0o600);
  try {
    const ret = seccomp.exportBpf(ctx, fd);
    if (ret < 0) throw new SeccompCompileError('seccomp_export_bpf', ret);
  } finally {
    closeSync(fd);
  }
  const bytes = new Uint8Array(readFileSync(file));
  rmSync(dir, { recursive: true, force: true });
  return bytes;
}
