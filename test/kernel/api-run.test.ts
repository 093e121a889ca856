// The Node API's run() and spawn(): a command in a sandbox made from systemd's settings. The same
// options as a unit file's directives give the same world (compared from inside, against the
// service planner on a real unit file); timeouts, aborts, input, output limits and errors as the
// API documents them; nothing left behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { run, spawn, runPlan, SandboxOptionError, type SandboxOptions } from '../../src/index.js';
import { planUnit } from '../../src/service/plan-unit.js';

/** What a process can observe of its world, minus what differs between any two runs (mount ids, pids). */
const PROBE = [
  "cut -d' ' -f5,6 /proc/self/mountinfo | sort",
  'id',
  "grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' /proc/self/status",
  'pwd',
  'env | grep -E "^(FOO|PATH)=" | sort',
  'ls /dev | sort | tr "\\n" " "',
  'touch /usr/probe 2>&1 | sed "s/.*: //"',
].join('; echo ---; ');

describe('nsbox run() and spawn()', { skip: needsRoot }, () => {
  let dir: string;
  let snapshot: Snapshot;
  before(() => {
    dir = mkdtempSync('/tmp/nsbox-api-');
    snapshot = takeSnapshot({ cgroupPrefix: 'nsbox-run-', paths: [dir] });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('run() collects output and the exit, and resolves for a failing command too', async () => {
    const ok = await run(['/bin/sh', '-c', 'echo out; echo err >&2']);
    assert.equal(ok.exitCode, 0);
    assert.equal(ok.signal, null);
    assert.equal(ok.stdout, 'out\n');
    assert.equal(ok.stderr, 'err\n');
    assert.ok(ok.durationMs > 0);
    const failed = await run(['/bin/sh', '-c', 'exit 3']);
    assert.equal(failed.exitCode, 3);
    const piped = await run(['/bin/cat'], { input: 'from stdin' });
    assert.equal(piped.stdout, 'from stdin');
    const bytes = await run(['/bin/printf', '\\001\\002'], { encoding: 'buffer' });
    assert.deepEqual([...bytes.stdout], [1, 2]);
    const literal = await run(['/bin/echo', '100% $HOME "quoted" back\\slash', ';']);
    assert.equal(literal.stdout, '100% $HOME "quoted" back\\slash ;\n', 'arguments reach the command unchanged');
  });

  test('the options give the same world as the same directives in a unit file', async () => {
    const options: SandboxOptions = {
      readOnlyPaths: ['/etc'], inaccessiblePaths: ['/root'], protectSystem: 'strict', protectHome: 'tmpfs', privateDevices: true,
      noNewPrivileges: true, capabilityBoundingSet: ['CAP_CHOWN', 'CAP_KILL'], user: 'nobody', workingDirectory: '/tmp',
      environment: { FOO: 'a b' }, temporaryFileSystem: ['/mnt'], bindReadOnlyPaths: [`${dir}:/srv`], systemCallFilter: ['@system-service'],
    };
    const script = join(dir, 'probe.sh');
    writeFileSync(script, PROBE + '\n', { mode: 0o644 });
    chmodSync(dir, 0o755);
    const unitFile = join(dir, 'probe.service');
    writeFileSync(unitFile, [
      '[Service]', `ExecStart=/bin/sh ${script}`, 'ReadOnlyPaths=/etc', 'InaccessiblePaths=/root', 'ProtectSystem=strict',
      'ProtectHome=tmpfs', 'PrivateDevices=yes', 'NoNewPrivileges=yes', 'CapabilityBoundingSet=CAP_CHOWN CAP_KILL', 'User=nobody',
      'WorkingDirectory=/tmp', 'Environment="FOO=a b"', 'TemporaryFileSystem=/mnt', `BindReadOnlyPaths=${dir}:/srv`,
      'SystemCallFilter=@system-service', '',
    ].join('\n'));
    const planned = (await planUnit(unitFile)).commands[0]!;
    assert.ok(planned.plan, planned.error?.message);
    const fromUnit = await runPlan(planned.plan);
    const fromApi = await run(['/bin/sh', script], options);
    assert.equal(fromUnit.status.kind, 'exited');
    assert.equal(fromApi.stderr, fromUnit.stderr);
    assert.equal(fromApi.stdout, fromUnit.stdout);
    assert.match(fromApi.stdout, /uid=65534/);
    assert.match(fromApi.stdout, /Read-only file system/);
    assert.match(fromApi.stdout, /FOO=a b/);
  });

  test('sandbox: strict gives no network, a read-only system and no capabilities', async () => {
    const r = await run(['/bin/sh', '-c', 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; grep CapEff /proc/self/status; touch /etc/x 2>&1 | sed "s/.*: //"'], { sandbox: 'strict' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['lo', 'CapEff:\t0000000000000000', 'Read-only file system']);
    const loosened = await run(['/bin/sh', '-c', 'touch /tmp/x && echo wrote'], { sandbox: 'strict', protectSystem: false });
    assert.equal(loosened.stdout, 'wrote\n', 'an option given overrides the preset');
  });

  test('timeout, abort and maxBuffer end the command and everything it started', async () => {
    const slow = await run(['/bin/sh', '-c', 'sleep 30 & sleep 30'], { timeout: 300 });
    assert.equal(slow.timedOut, true);
    assert.equal(slow.signal, 'SIGTERM');
    assert.ok(slow.durationMs < 10_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const aborted = await run(['/bin/sleep', '30'], { signal: controller.signal });
    assert.equal(aborted.aborted, true);
    assert.notEqual(aborted.exitCode, 0);
    const loud = await run(['/bin/sh', '-c', 'while :; do echo xxxxxxxxxxxxxxxx; done'], { maxBuffer: 1000 });
    assert.equal(loud.bufferExceeded, true);
    assert.equal(loud.stdout.length, 1000);
  });

  test('spawn(): a handle with pid, streams, lines and kill', async () => {
    const box = await spawn(['/bin/sh', '-c', 'echo one; echo two; sleep 30 & wait'], { privateTmp: true });
    assert.ok(box.pid > 0);
    const seen: string[] = [];
    for await (const line of box.lines()) {
      seen.push(line);
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ['one', 'two']);
    box.kill('SIGKILL', 'all');
    assert.deepEqual(await box.exited, { exitCode: null, signal: 'SIGKILL' });
  });

  test('bad input is refused naming the option at fault, before anything starts', async () => {
    const refused = async (options: object, option: string, message: RegExp, command: readonly string[] = ['/bin/true']): Promise<void> => {
      await assert.rejects(run(command, options as SandboxOptions), (err: unknown) => {
        assert.ok(err instanceof SandboxOptionError, String(err));
        assert.equal(err.option, option);
        assert.equal(err.code, 'SANDBOX_OPTION');
        assert.match(err.message, message);
        return true;
      });
    };
    await refused({ protectSystem: 'sometimes' }, 'protectSystem', /sometimes/);
    await refused({ readonlyPaths: ['/usr'] }, 'readonlyPaths', /not a sandbox option/);
    await refused({ user: 'no-such-user-here' }, 'user', /no-such-user-here/);
    await refused({}, 'command', /no-such-program: no executable file there/, ['/usr/bin/no-such-program']);
    await refused({}, 'command', /no-such-program/, ['no-such-program']);
    await refused({}, 'command', /non-empty/, []);
    await refused({ environment: { A: 'line\nbreak' } }, 'environment', /newline/);
    await refused({ sandbox: 'paranoid' }, 'sandbox', /strict/);
    await refused({ limits: { NOFILE: 'lots' } }, 'limits.NOFILE', /lots/);
  });

  test('nothing is left behind: no cgroup, no process, no private /tmp', async () => {
    await assertNoLeaks(snapshot);
  });
});
