// Container escapes, each attempted from inside a busybox container (issue 8's checklist): a
// privileged PID 1 taken over with ptrace, fds inherited from whoever started nsbox, the chroot
// fallback of the root switch, and a join that would run privileged inside a container. Every
// test performs the attack and asserts that it fails, and that nothing is left behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { buildStaticC } from '../fixtures/static-probe.js';
import { REACH_PROBE_SCRIPT, parseReachProbe, reachViolations } from '../fixtures/reach-probe.js';
import { NSBOX_BIN, inBox } from './nspawn-cli.js';
import { spawn } from '../../src/executor/spawn.js';
import { rootPath } from '../../src/plan/types.js';

// Makes PID argv[1] execve(argv[2]) by ptrace: it stops the tracee inside a system call, points
// it back at that `syscall` instruction with execve's number and arguments on its stack.
const PTRACE_EXEC_C = String.raw`
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  pid_t pid = atoi(argv[1]);
  if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) { printf("attach failed: %s\n", strerror(errno)); return 2; }
  int st;
  waitpid(pid, &st, __WALL);
  struct user_regs_struct regs;
  ptrace(PTRACE_GETREGS, pid, 0, &regs);
  unsigned long at = (regs.rsp - 2048) & ~15UL;
  char path[64] = { 0 };
  strncpy(path, argv[2], sizeof path - 1);
  for (int i = 0; i < 64; i += 8) { long w; memcpy(&w, path + i, 8); ptrace(PTRACE_POKEDATA, pid, at + i, w); }
  ptrace(PTRACE_POKEDATA, pid, at + 64, at);
  ptrace(PTRACE_POKEDATA, pid, at + 72, 0);
  long insn = ptrace(PTRACE_PEEKTEXT, pid, regs.rip - 2, 0);
  if ((insn & 0xffff) != 0x050f) { printf("not stopped after a syscall instruction\n"); return 3; }
  regs.rip -= 2; regs.rax = SYS_execve; regs.orig_rax = -1;
  regs.rdi = at; regs.rsi = at + 64; regs.rdx = 0;
  ptrace(PTRACE_SETREGS, pid, 0, &regs);
  /* Said before the release: PID 1 dies of its filter at once, which ends the container and this
   * process with it, before a printf after the detach could reach the pipe. */
  printf("injected\n");
  fflush(stdout);
  ptrace(PTRACE_DETACH, pid, 0, 0);
  return 0;
}
`;

// What the hijacked process would run: records the capabilities it got.
const PWN_C = String.raw`
#include <fcntl.h>
#include <unistd.h>
int main(void) {
  char buf[4096];
  int in = open("/proc/self/status", O_RDONLY), out = open("/pwned", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ssize_t n = read(in, buf, sizeof buf);
  if (n > 0) write(out, buf, (size_t)n);
  return 0;
}
`;

describe('container escapes, attempted from inside', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  before(() => {
    tree = makeBusyboxTree('nsbox-escape-');
    if (process.arch === 'x64') {
      buildStaticC(PTRACE_EXEC_C, join(tree.root, 'bin/ptrace-exec'));
      buildStaticC(PWN_C, join(tree.root, 'bin/pwn'));
    }
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  test('--as-pid2: PID 1 holds only CAP_KILL, a filter, no_new_privs and one pipe', async () => {
    const r = await inBox(tree.root, 'grep -E "^(CapEff|CapPrm|CapBnd|Seccomp|NoNewPrivs):" /proc/1/status; ls /proc/1/fd; readlink /proc/1/fd/*', ['--as-pid2']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => l.replace(/\s+/g, ' '));
    assert.deepEqual(lines.slice(0, 5), ['CapPrm: 0000000000000020', 'CapEff: 0000000000000020', 'CapBnd: 0000000000000020', 'NoNewPrivs: 1', 'Seccomp: 2']);
    assert.match(lines[5] ?? '', /^\d+$/, 'one fd: the status pipe to the supervisor');
    assert.match(lines[6] ?? '', /^pipe:\[\d+\]$/);
    assert.equal(lines.length, 7, r.stdout);
  });

  test('--as-pid2: ptrace of PID 1 cannot make it run a program', { skip: process.arch !== 'x64' && 'the injector is x86-64 code' }, async () => {
    rmSync(join(tree.root, 'pwned'), { force: true });
    // The payload keeps CAP_SYS_PTRACE (nspawn's default set), so the attach itself succeeds.
    const r = await inBox(tree.root, '/bin/ptrace-exec 1 /bin/pwn; sleep 1; echo still-here', ['--as-pid2']);
    assert.match(r.stdout, /injected/, r.stdout + r.stderr);
    assert.equal(existsSync(join(tree.root, 'pwned')), false, 'the hijacked PID 1 ran /bin/pwn');
    // PID 1 died of its filter (execve is not on its list), which ends the whole container.
    assert.doesNotMatch(r.stdout, /still-here/);
  });

  test('an fd inherited from the caller reaches no process inside (CVE-2024-21626 class)', async () => {
    const outside = mkdtempSync('/tmp/nsbox-escape-secret-');
    const secret = join(outside, 'secret');
    execFileSync('sh', ['-c', `echo host-secret > ${secret}`]);
    try {
      for (const extra of [[], ['--as-pid2']]) {
        // As a shell user would: `nsbox nspawn ... 200<secret 201<dir`.
        const script = `${REACH_PROBE_SCRIPT}\ncat /proc/1/fd/200 2>/dev/null; cat /proc/self/fd/200 2>/dev/null; ls /proc/1/fd/201/ 2>/dev/null; true`;
        const args = ['nspawn', '-q', '-P', '--register=no', '-D', tree.root, ...extra, '/bin/sh', '-c', script];
        const out = execFileSync('sh', ['-c', `exec "$0" "$@" 200<${secret} 201<${outside}`, NSBOX_BIN, ...args], {
          encoding: 'utf8', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env['PATH']}` },
        });
        assert.doesNotMatch(out, /host-secret/, `${extra.join(' ')}: the secret was read`);
        assert.doesNotMatch(out, /^secret$/m, `${extra.join(' ')}: the host directory was listed`);
        assert.deepEqual(reachViolations(parseReachProbe(out)), [], extra.join(' '));
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('no process of a default container, or one with --as-pid2, is more privileged than the payload', async () => {
    for (const extra of [[], ['--as-pid2'], ['-u', 'nobody', '--as-pid2']]) {
      const r = await inBox(tree.root, REACH_PROBE_SCRIPT, extra);
      assert.equal(r.code, 0, r.stderr);
      const report = parseReachProbe(r.stdout);
      assert.ok(report.processes.length >= (extra.length ? 2 : 1), r.stdout);
      assert.deepEqual(reachViolations(report), [], `${extra.join(' ')}\n${r.stdout}`);
    }
  });

  test('the root switch fails closed where pivot_root cannot be used (no chroot fallback)', async () => {
    // A helper whose own root is a plain directory (a chroot; an initramfs is the other case,
    // which this machine cannot make) cannot pivot_root; the old fallback chroot()ed into the
    // tree there and left the host reachable by the classic chroot escape. Now nothing runs.
    const jail = mkdtempSync('/tmp/nsbox-escape-jail-');
    try {
      mkdirSync(join(jail, 'host'));
      for (const d of ['usr', 'lib', 'lib64', 'bin', 'dev', 'proc', 'sys']) if (existsSync(`/${d}`)) symlinkSync(`host/${d}`, join(jail, d));
      const script = [
        `mount --rbind / ${join(jail, 'host')}`,
        `exec chroot ${jail} /host${process.execPath} --input-type=module -e "${escapeForShell(chrootedRun(tree.root))}"`,
      ].join('\n');
      const env = { ...process.env };
      delete env['NODE_EXTRA_CA_CERTS'];
      const out = execFileSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', env });
      assert.match(out, /^refused: EINVAL at (OPEN_ROOT|OP)$/m, out);
      assert.equal(existsSync(join(tree.root, 'ran')), false, 'the payload ran');
    } finally {
      rmSync(jail, { recursive: true, force: true });
    }
  });

  test('join: the supervisor stays outside, the joining process is not dumpable and holds only the payload\'s capabilities', async () => {
    const first = await spawn({
      namespaces: ['mount', 'uts', 'ipc'], pidMode: 'payload-is-pid1', root: tree.root,
      ops: [{ kind: 'proc', target: rootPath('/proc'), flags: {} }, { kind: 'switch-root' }],
      process: { argv: ['/bin/sh', '-c', 'echo up; exec sleep 30'], env: ['PATH=/bin'], cwd: '/', terminal: { kind: 'inherit' } },
    }, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => first.stdout?.once('data', () => resolve()));
    try {
      const bounding = [6, 7]; // CAP_SETGID, CAP_SETUID
      const joined = await spawn({
        namespaces: [], pidMode: 'none', join: { pid: first.pid, namespaces: ['mount', 'uts', 'ipc', 'pid'] }, ops: [],
        process: {
          argv: ['/bin/sh', '-c', 'grep -E "^(CapEff|CapBnd):" /proc/self/status; echo /proc/[0-9]*; read line'],
          env: ['PATH=/bin'], cwd: '/', terminal: { kind: 'inherit' },
          capabilities: { bounding, permitted: bounding, effective: bounding, inheritable: [], ambient: [] },
        },
      }, { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      joined.stdout!.setEncoding('utf8');
      await new Promise<void>((resolve) => joined.stdout!.on('data', (d: string) => ((out += d), out.includes('/proc/') && resolve())));
      // The supervisor never entered the container's mount namespace: the cgroup, map and
      // cleanup paths it writes are the host's, not ones the container could redirect.
      assert.equal(readlinkSync(`/proc/${joined.helperPid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'));
      assert.notEqual(readlinkSync(`/proc/${joined.pid}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'));
      joined.stdin!.end('\n');
      assert.deepEqual(await joined.exited, { kind: 'exited', code: 0 });
      const [eff, bnd, pids] = out.trim().split('\n');
      assert.equal(bnd?.replace(/\s+/g, ' '), 'CapBnd: 00000000000000c0');
      assert.equal(eff?.replace(/\s+/g, ' '), 'CapEff: 00000000000000c0');
      // The container's init and the joined shell; no bridge or supervisor visible.
      assert.equal(pids?.split(' ').length, 2, pids);
    } finally {
      first.kill('SIGKILL');
      await first.exited;
    }
  });
});

const escapeForShell = (s: string): string => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('$', '\\$').replaceAll('`', '\\`');

/** A module that, run from inside the chroot, asks for a root switch and prints how it ended. */
function chrootedRun(treeRoot: string): string {
  const runModule = join(dirname(NSBOX_BIN), '../dist/src/executor/run.js');
  return [
    `const { run } = await import('/host${runModule}');`,
    `const r = await run({ namespaces: ['mount'], pidMode: 'none', root: '/host${treeRoot}', ops: [{ kind: 'switch-root' }],`,
    `  process: { argv: ['/bin/touch', '/ran'], env: [], cwd: '/', terminal: { kind: 'inherit' } } }).catch((e) => e);`,
    `console.log(r.code === 'SANDBOX_SETUP' ? 'refused: ' + r.errnoName + ' at ' + r.step : 'unexpected: ' + JSON.stringify(r));`,
  ].join('\n');
}
