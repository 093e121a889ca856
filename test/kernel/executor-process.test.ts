// Process settings, PID modes, user namespaces and joining, checked from inside the sandbox.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { run } from '../../src/executor/run.js';
import { spawn } from '../../src/executor/spawn.js';
import { shellPlan, needsRoot, suiteTree } from '../fixtures/plans.js';
import { capabilityNumber } from '../../src/plan/capabilities.js';

/** mkdir and mkdirat fail with EPERM; everything else is allowed (x86-64 only). */
function denyMkdirBpf(): Uint8Array {
  const insns: [number, number, number, number][] = [
    [0x20, 0, 0, 4], // ld arch
    [0x15, 0, 3, 0xc000003e], // jeq AUDIT_ARCH_X86_64, else allow
    [0x20, 0, 0, 0], // ld nr
    [0x15, 2, 0, 83], // mkdir
    [0x15, 1, 0, 258], // mkdirat
    [0x06, 0, 0, 0x7fff0000], // allow
    [0x06, 0, 0, 0x00050001], // errno EPERM
  ];
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach(([code, jt, jf, k], i) => {
    buf.writeUInt16LE(code, i * 8);
    buf.writeUInt8(jt, i * 8 + 2);
    buf.writeUInt8(jf, i * 8 + 3);
    buf.writeUInt32LE(k, i * 8 + 4);
  });
  return buf;
}

const statusField = (status: string, field: string): string => new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';

describe('executor process settings', { skip: needsRoot }, () => {
  const tree = suiteTree();

  test('the payload is PID 1 in payload-is-pid1 mode and exits with its own code', async () => {
    const r = await run(shellPlan(tree.root, 'echo $$; exit 7'));
    assert.equal(r.stdout, '1\n');
    assert.deepEqual(r.status, { kind: 'exited', code: 7 });
  });

  test('reaper mode: a reaper is PID 1, the payload PID 2; its killing signal is the caller\'s status', async () => {
    const r = await run(shellPlan(tree.root, 'echo $$; cat /proc/1/cmdline | tr "\\0" " "; echo; kill -TERM $$', { plan: { pidMode: 'reaper' } }));
    const [pid, init] = r.stdout.split('\n');
    assert.equal(pid, '2');
    assert.match(init ?? '', /nsbox-helper/);
    assert.deepEqual(r.status, { kind: 'signaled', signal: 'SIGTERM' });
  });

  test('kill() reaches the payload through the helper', async () => {
    const sandbox = await spawn(shellPlan(tree.root, 'trap "exit 42" TERM; echo ready; while :; do sleep 1; done', { plan: { pidMode: 'reaper' } }), { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => sandbox.stdout?.once('data', () => resolve()));
    sandbox.kill('SIGTERM');
    assert.deepEqual(await sandbox.exited, { kind: 'exited', code: 42 });
  });

  test('exact environment, cwd, hostname and domainname', async () => {
    const r = await run(shellPlan(tree.root, 'tr "\\0" "\\n" < /proc/$$/environ; pwd; hostname; cat /proc/sys/kernel/domainname', {
      process: { env: ['A=1', 'B=two words'], cwd: '/home/tester', hostname: 'boxy', domainname: 'example' },
    }));
    assert.equal(r.stdout, 'A=1\nB=two words\n/home/tester\nboxy\nexample\n');
  });

  test('a missing optional cwd starts in /', async () => {
    const r = await run(shellPlan(tree.root, 'pwd', { process: { cwd: '/nope', cwdOptional: true } }));
    assert.equal(r.stdout, '/\n');
  });

  test('uid, gid, supplementary groups and umask', async () => {
    const r = await run(shellPlan(tree.root, 'id; umask', {
      process: { credentials: { uid: 1000, gid: 1000, supplementaryGroups: [1001] }, umask: 0o027 },
    }));
    assert.equal(r.stdout, 'uid=1000(tester) gid=1000(tester) groups=1001(extra)\n0027\n');
  });

  test('rlimits, oom_score_adj, nice', async () => {
    const r = await run(shellPlan(tree.root, 'grep "open files" /proc/self/limits; cat /proc/self/oom_score_adj; cut -d" " -f19 /proc/self/stat', {
      process: { rlimits: { nofile: { soft: 1024, hard: 2048 } }, oomScoreAdjust: 500, nice: 5 },
    }));
    const [limits, oom, nice] = r.stdout.trim().split('\n');
    assert.match(limits ?? '', /Max open files\s+1024\s+2048\s+files/);
    assert.equal(oom, '500');
    assert.equal(nice, '5');
  });

  test('capability sets: bounding, ambient for a non-root user', async () => {
    const bind = capabilityNumber('CAP_NET_BIND_SERVICE')!;
    const chown = capabilityNumber('CAP_CHOWN')!;
    const r = await run(shellPlan(tree.root, 'cat /proc/self/status', {
      process: {
        credentials: { uid: 1000, gid: 1000, supplementaryGroups: [] },
        capabilities: { bounding: [bind, chown], permitted: [bind], effective: [bind], inheritable: [bind], ambient: [bind] },
      },
    }));
    assert.equal(statusField(r.stdout, 'CapBnd'), '0000000000000401');
    assert.equal(statusField(r.stdout, 'CapAmb'), '0000000000000400');
    assert.equal(statusField(r.stdout, 'CapEff'), '0000000000000400');
    assert.equal(statusField(r.stdout, 'Uid'), '1000\t1000\t1000\t1000');
  });

  test('no_new_privs and a seccomp filter are in effect', async () => {
    const r = await run(shellPlan(tree.root, 'grep -E "NoNewPrivs|Seccomp:" /proc/self/status; mkdir /tmp/x 2>&1; echo done', {
      process: { noNewPrivileges: true, seccompFilters: [denyMkdirBpf()] },
    }));
    assert.match(r.stdout, /NoNewPrivs:\s+1/);
    assert.match(r.stdout, /Seccomp:\s+2/);
    assert.match(r.stdout, /Operation not permitted/);
  });

  test('several seccomp programs are all in effect', async () => {
    const r = await run(shellPlan(tree.root, 'grep Seccomp_filters /proc/self/status; mkdir /tmp/x 2>&1; echo done', {
      process: { noNewPrivileges: true, seccompFilters: [denyMkdirBpf(), denyMkdirBpf()] },
    }));
    assert.match(r.stdout, /Seccomp_filters:\s+2/);
    assert.match(r.stdout, /Operation not permitted/);
  });

  test('seccomp before credentials: loads for a non-root user without no_new_privs', async () => {
    const r = await run(shellPlan(tree.root, 'id -u; grep -E "NoNewPrivs|Seccomp:" /proc/self/status; mkdir /tmp/x 2>&1', {
      process: { credentials: { uid: 1000, gid: 1000, supplementaryGroups: [] }, seccompFilters: [denyMkdirBpf()], seccompTiming: 'before-credentials' },
    }));
    assert.match(r.stdout, /^1000\nNoNewPrivs:\s+0\nSeccomp:\s+2\n.*Operation not permitted/);
  });

  test('seccomp last: a non-root user without no_new_privs cannot load it', async () => {
    await assert.rejects(run(shellPlan(tree.root, 'true', {
      process: { credentials: { uid: 1000, gid: 1000, supplementaryGroups: [] }, seccompFilters: [denyMkdirBpf()] },
    })), { step: 'SECCOMP', errnoName: 'EACCES' });
  });

  test('user namespace with an id range: maps as asked, root inside is unprivileged outside', async () => {
    const r = await run(shellPlan(tree.root, 'cat /proc/self/uid_map /proc/self/gid_map; id -u', {
      plan: { namespaces: ['user', 'mount', 'uts', 'ipc'], user: { uidMap: [{ inside: 0, outside: 100000, count: 65536 }], gidMap: [{ inside: 0, outside: 100000, count: 65536 }], setgroups: 'deny' } },
    }));
    assert.deepEqual(r.status, { kind: 'exited', code: 0 }, r.stderr);
    const fields = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(fields, ['0 100000 65536', '0 100000 65536', '0']);
  });

  test('join: a second plan enters the namespaces of a running sandbox', async () => {
    const first = await spawn(shellPlan(tree.root, 'echo up; exec sleep 30', { process: { hostname: 'joined-box' } }), { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => first.stdout?.once('data', () => resolve()));
    try {
      const r = await run({
        namespaces: [], pidMode: 'none', join: { pid: first.pid, namespaces: ['mount', 'uts', 'ipc', 'pid'] }, ops: [],
        process: { argv: ['/bin/sh', '-c', 'hostname; cat /proc/1/cmdline | tr "\\0" " "; echo; readlink /proc/self/ns/pid'], env: ['PATH=/bin'], cwd: '/', terminal: { kind: 'inherit' } },
      });
      const [hostname, init, pidns] = r.stdout.trim().split('\n');
      assert.equal(hostname, 'joined-box');
      assert.equal(init?.trim(), 'sleep 30');
      assert.equal(pidns, readlinkSync(`/proc/${first.pid}/ns/pid`));
    } finally {
      first.kill('SIGKILL');
      await first.exited;
    }
  });

  test('extra fds reach the payload as 3, 4, ...', async () => {
    const { openSync, closeSync, readFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/nsbox-fd-');
    const fd = openSync(`${dir}/out`, 'w');
    try {
      const sandbox = await spawn(shellPlan(tree.root, 'echo via-fd3 >&3'), { stdio: 'ignore', extraFds: [fd] });
      assert.deepEqual(await sandbox.exited, { kind: 'exited', code: 0 });
      assert.equal(readFileSync(`${dir}/out`, 'utf8'), 'via-fd3\n');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true });
    }
  });
});
