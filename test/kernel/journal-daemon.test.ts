// The journal through a real `nsbox daemon`: journalctl's filters and output modes as a user types
// them, the time formats against systemd 252's own parser (`systemd-analyze timestamp`), the size
// bound holding while services write, and no line lost when fifty sandboxed services write
// thousands of lines at once (long lines, no final newline, <N> prefixes, SyslogLevelPrefix=no).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { needsRoot } from '../fixtures/plans.js';
import { NSBOX, cgroupDirsOf, scratchDaemon, waitFor, type ScratchDaemon } from '../fixtures/manager-daemon.js';
import { parseTimestamp } from '../../src/journal/time-spec.js';
import type { JournalEntry } from '../../src/journal/types.js';

const bootId = (): string => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replaceAll('-', '');

/** Every entry of these units, through the API in pages (as journalctl reads them). */
async function allEntries(d: ScratchDaemon, units: readonly string[]): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  let after = 0;
  for (let more = true; more;) {
    const page = await d.client.journal({ units, ...(after > 0 ? { after } : {}) });
    out.push(...page.entries);
    after = page.entries.at(-1)?.cursor ?? after;
    more = page.more === true;
  }
  return out;
}

test('journalctl\'s time formats read as systemd 252 reads them (systemd-analyze timestamp), in UTC and in Europe/Berlin', { skip: needsRoot }, () => {
  const inputs = ['2026-12-01 10:00', '2026-12-01 10:00:05', '2026-07-01 10:00:05.25', '26-12-01', '10:11', '10:11:12', 'today', 'yesterday', 'tomorrow',
    'today UTC', '2026-12-01 10:00 UTC', '@1395716396', '@1395716396.5', '2012-02-30', 'Fri 2012-11-23 11:12:13', 'Mon 2012-11-23 11:12:13',
    '-1h', '+5min', '11min ago', '2h left', '-5', 'now', '2012-11-23T11:12:13', '1h', 'NOW', '2012-11-23 25:00', '2012-11-23 11:12:13Z'];
  const old = process.env['TZ'];
  try {
    for (const tz of ['UTC', 'Europe/Berlin']) {
      process.env['TZ'] = tz;
      for (const input of inputs) {
        const r = spawnSync('systemd-analyze', ['timestamp', '--', input], { encoding: 'utf8', env: { ...process.env, TZ: tz } });
        const nowUs = Date.now() * 1000;
        const theirs = /UNIX seconds: @(\d+(?:\.\d+)?)/.exec(r.stdout);
        const ours = parseTimestamp(input, nowUs);
        if (theirs === null) {
          assert.equal(ours, undefined, `${tz} ${input}: systemd refuses it (${r.stderr.trim()})`);
          continue;
        }
        assert.notEqual(ours, undefined, `${tz} ${input}: systemd reads it as @${theirs[1]}`);
        // Relative forms read the clock a moment apart; absolute ones must agree to the µs.
        const slack = /now|ago|left|^[-+]/.test(input) ? 2_000_000 : 0;
        assert.ok(Math.abs(ours! - Math.round(Number(theirs[1]) * 1_000_000)) <= slack, `${tz} ${input}: ours ${ours}, systemd's @${theirs[1]}`);
      }
    }
  } finally {
    process.env['TZ'] = old ?? 'UTC';
    if (old === undefined) delete process.env['TZ'];
  }
});

describe('journalctl through a real daemon', { skip: needsRoot }, () => {
  let d: ScratchDaemon;
  let startedUs = 0;

  before(async () => {
    d = await scratchDaemon({
      'prio.service': '[Service]\nType=oneshot\nExecStart=/bin/sh -c \'echo "<3>an error"; echo "<4>a warning"; echo "<5>a notice"; echo plain; printf "no newline"\'\n',
      'noprefix.service': '[Service]\nType=oneshot\nSyslogLevelPrefix=no\nSyslogLevel=notice\nSyslogIdentifier=custom\nPrivateTmp=yes\nExecStart=/bin/echo "<3>kept as written"\n',
    });
    startedUs = Date.now() * 1000;
    const r = d.systemctl('start', 'prio.service', 'noprefix.service');
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    await d.close();
    assert.deepEqual(['prio.service', 'noprefix.service'].flatMap(cgroupDirsOf), []);
  });

  test('-p takes a level or a range; <N> prefixes set the priority, SyslogLevelPrefix=no keeps them with SyslogLevel=', () => {
    const cat = (...args: string[]): string[] => d.run('journalctl', '-o', 'cat', ...args).stdout.trimEnd().split('\n');
    assert.deepEqual(cat('-u', 'prio', '-p', 'warning..err'), ['an error', 'a warning']);
    assert.deepEqual(cat('-u', 'prio', '-p', 'err..warning'), ['an error', 'a warning']);
    assert.deepEqual(cat('-u', 'prio', '-p', 'notice'), ['an error', 'a warning', 'a notice']);
    assert.deepEqual(cat('-u', 'prio', '-p', 'info..info').filter((l) => !/prio\.service|Starting|Finished/.test(l)), ['plain', 'no newline']);
    const json = d.run('journalctl', '-u', 'noprefix', '-o', 'json').stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    const line = json.find((f) => f['SYSLOG_IDENTIFIER'] === 'custom');
    assert.ok(line, JSON.stringify(json));
    assert.equal(line['MESSAGE'], '<3>kept as written');
    assert.equal(line['PRIORITY'], '5');
  });

  test('--since/--until select by time, -r reverses, -n takes the newest, several -u interleave', () => {
    const cat = (...args: string[]) => d.run('journalctl', '-o', 'cat', '-u', 'prio', ...args);
    const all = cat().stdout.trimEnd().split('\n');
    assert.ok(all.includes('an error') && all.includes('no newline'), all.join('\n'));
    assert.deepEqual(cat('--since', `@${Math.floor(startedUs / 1e6)}`).stdout.trimEnd().split('\n'), all);
    assert.equal(cat('--until', `@${Math.floor(startedUs / 1e6) - 5}`).stdout, '-- No entries --\n');
    assert.deepEqual(cat('--since', 'today', '--until', 'now').stdout.trimEnd().split('\n'), all);
    assert.equal(cat('--since', 'tomorrow').stdout, '-- No entries --\n');
    assert.deepEqual(cat('-r', '-n', '3').stdout.trimEnd().split('\n'), all.slice(-3).reverse());
    assert.deepEqual(cat('-r').stdout.trimEnd().split('\n'), [...all].reverse());
    const both = d.run('journalctl', '-o', 'cat', '-u', 'prio', '-u', 'noprefix').stdout;
    assert.ok(both.includes('an error') && both.includes('<3>kept as written'));
    const bad = cat('--since', 'soon');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'Failed to parse timestamp: soon\n');
  });

  test('-b is this boot; -b -1 does not exist yet; --list-boots lists the boot with its first and last entry', () => {
    assert.equal(d.run('journalctl', '-b', '-o', 'cat', '-u', 'prio').stdout, d.run('journalctl', '-o', 'cat', '-u', 'prio').stdout);
    assert.equal(d.run('journalctl', '-b', '0', '-o', 'cat', '-u', 'prio').stdout, d.run('journalctl', '-o', 'cat', '-u', 'prio').stdout);
    const none = d.run('journalctl', '-b', '-1');
    assert.equal(none.code, 1);
    assert.equal(none.stderr, 'Data from the specified boot (-1) is not available: No such boot ID in journal\n');
    const boots = d.run('journalctl', '--list-boots').stdout.trimEnd().split('\n');
    assert.equal(boots.length, 2, boots.join('\n'));
    assert.match(boots[0]!, /^IDX BOOT ID +FIRST ENTRY +LAST ENTRY$/);
    assert.match(boots[1]!, new RegExp(`^  0 ${bootId()} \\w{3} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\w+ \\w{3} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\w+$`));
  });

  test('output modes: short-iso, short-precise, short-monotonic, verbose, json-pretty', () => {
    const out = (mode: string): string => d.run('journalctl', '-u', 'prio', '-p', 'err', '-o', mode).stdout;
    const host = spawnSync('hostname', { encoding: 'utf8' }).stdout.trim();
    assert.match(out('short-iso'), new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4} ${host} sh\\[\\d+\\]: an error\\n$`));
    assert.match(out('short-precise'), new RegExp(`^[A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} ${host} sh\\[\\d+\\]: an error\\n$`));
    assert.match(out('short-monotonic'), new RegExp(`^\\[ *\\d+\\.\\d{6}\\] ${host} sh\\[\\d+\\]: an error\\n$`));
    const verbose = out('verbose').split('\n');
    assert.match(verbose[0]!, /^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \w+ \[nsbox-\d+\]$/);
    assert.ok(verbose.includes('    MESSAGE=an error') && verbose.includes('    PRIORITY=3') && verbose.includes('    _SYSTEMD_UNIT=prio.service') && verbose.includes(`    _BOOT_ID=${bootId()}`), verbose.join('\n'));
    const pretty = out('json-pretty');
    assert.match(pretty, /^\{\n\t"__CURSOR" : "nsbox-\d+",\n\t"__REALTIME_TIMESTAMP" : "\d+",\n/);
    assert.equal((JSON.parse(pretty) as Record<string, string>)['MESSAGE'], 'an error');
  });

  test('-f shows the last lines, then follows new ones of the unit as they come, until SIGTERM', async () => {
    const follower = spawn(process.execPath, [NSBOX, 'journalctl', '-f', '-n', '2', '-o', 'cat', '-u', 'prio'], { env: d.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follower.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t));
    try {
      assert.ok(await waitFor(() => out.split('\n').length >= 3, 10_000), `the last two lines first: ${JSON.stringify(out)}`);
      const firstTwo = out;
      assert.equal(d.systemctl('start', 'prio.service').code, 0);
      assert.ok(await waitFor(() => out.includes('no newline', firstTwo.length), 10_000), out);
      assert.ok(!out.includes('<3>kept as written'), 'another unit\'s lines are not followed');
      assert.match(out.slice(firstTwo.length), /^Starting prio\.service[^\n]*\nan error\na warning\na notice\nplain\nno newline\n/);
    } finally {
      follower.kill('SIGTERM');
      await new Promise((r) => follower.once('exit', r));
    }
    assert.equal(follower.exitCode, 0);
  });

  test('with the daemon killed (-9), journalctl reads the journal file itself, as journalctl needs no journald', async () => {
    const before = d.run('journalctl', '-u', 'prio', '-o', 'json').stdout;
    d.daemon.kill('SIGKILL');
    await new Promise((r) => d.daemon.once('exit', r));
    try {
      const offline = d.run('journalctl', '-u', 'prio', '-o', 'json');
      assert.equal(offline.code, 0, offline.stderr);
      assert.equal(offline.stdout, before);
      assert.deepEqual(d.run('journalctl', '-u', 'prio', '-p', 'warning..err', '-o', 'cat', '-b').stdout.split('\n').slice(-3), ['an error', 'a warning', '']);
      assert.match(d.run('journalctl', '--disk-usage').stdout, /^Archived and active journals take up /);
      const vacuum = d.run('journalctl', '--vacuum-time=1s');
      assert.equal(vacuum.code, 1);
      assert.match(vacuum.stderr, /Vacuuming needs the daemon/);
    } finally {
      await d.start();
    }
  });

  test('--disk-usage names what the journal takes; --vacuum-time= removes older entries and says what it freed', () => {
    const usage = d.run('journalctl', '--disk-usage');
    assert.match(usage.stdout, /^Archived and active journals take up \d+\.\dK in the file system\.\n$/);
    const vac = d.run('journalctl', '--vacuum-time=1h');
    assert.equal(vac.code, 0, vac.stderr);
    assert.match(vac.stderr, new RegExp(`^Vacuuming done, freed [\\d.]+[KMB]? of archived journals from ${join(d.scratch, 'state', 'journal.sqlite').replaceAll('.', '\\.')}\\.\\n$`));
    assert.ok(d.run('journalctl', '-u', 'prio', '-o', 'cat').stdout.includes('an error'), 'entries of the last hour stay');
  });
});

describe('the journal\'s bound', { skip: needsRoot }, () => {
  test('with --journal-max-use=1M, a service writing 8 MB leaves the journal within the bound, keeping the newest lines without holes', async () => {
    const bound = 1024 * 1024;
    const d = await scratchDaemon({
      // 80,000 lines of ~100 bytes, numbered.
      'chatty.service': '[Service]\nType=oneshot\nExecStart=/bin/sh -c \'seq 1 80000 | sed "s/^/line-$(printf %%090d 0)-/"\'\n',
    }, { NSBOX_JOURNAL_MAX_USE: '1M' });
    try {
      assert.equal(d.systemctl('start', 'chatty.service').code, 0);
      const db = join(d.scratch, 'state', 'journal.sqlite');
      const total = (): number => ['', '-wal', '-shm'].reduce((s, x) => s + (statSync(db + x, { throwIfNoEntry: false })?.blocks ?? 0) * 512, 0);
      assert.ok(total() <= bound, `${total()} bytes on disk for a bound of ${bound}: ${['', '-wal', '-shm'].map((x) => `${x || 'db'} ${(statSync(db + x, { throwIfNoEntry: false })?.blocks ?? 0) * 512}`).join(', ')}`);
      const lines = (await allEntries(d, ['chatty.service'])).map((e) => e.message).filter((m) => m.startsWith('line-')).map((m) => Number(m.split('-').at(-1)));
      assert.ok(lines.length > 1000 && lines.length < 80_000, `${lines.length} lines kept`);
      assert.equal(lines.at(-1), 80_000, 'the newest line is kept');
      assert.ok(lines.every((n, i) => i === 0 || n === lines[i - 1]! + 1), 'the kept lines are the newest run, without holes');
      const usage = /take up ([\d.]+)([KMG]?)/.exec(d.run('journalctl', '--disk-usage').stdout);
      assert.ok(usage && usage[2] !== 'G' && !(usage[2] === 'M' && Number(usage[1]) > 1.1), `--disk-usage: ${usage?.[0]}`);
    } finally {
      await d.close();
    }
  });
});

describe('no line lost under load', { skip: needsRoot }, () => {
  const SERVICES = Number(process.env["NSBOX_TEST_LOAD_SERVICES"] ?? 50);
  const LINES = 2000;
  const LONG = 100_000;
  let d: ScratchDaemon;

  before(async () => {
    const units: Record<string, string> = {};
    for (let s = 0; s < SERVICES; s++) {
      // Numbered lines with <0>-<7> prefixes, a line longer than the pipe buffer (64 KiB) and
      // journald's LineMax= (48K), and a last line without newline. Every other service with
      // SyslogLevelPrefix=no; all sandboxed.
      const script = `i=0; while [ $i -lt ${LINES} ]; do echo "<$((i %% 8))>s${s} $i"; i=$((i+1)); done; head -c ${LONG} /dev/zero | tr "\\\\0" x; echo; printf "s${s} end"`;
      units[`load${s}.service`] = `[Service]\nType=oneshot\nPrivateTmp=yes\nProtectSystem=strict\nNoNewPrivileges=yes\n${s % 2 ? 'SyslogLevelPrefix=no\n' : ''}ExecStart=/bin/sh -c '${script}'\n`;
    }
    d = await scratchDaemon(units);
  });

  after(async () => {
    await d.close();
    assert.deepEqual(Array.from({ length: SERVICES }, (_, s) => `load${s}.service`).flatMap(cgroupDirsOf), []);
  });

  test(`${SERVICES} services writing ${LINES} lines each at once: every line in the journal exactly once, in order, with its priority`, async (t) => {
    const names = Array.from({ length: SERVICES }, (_, s) => `load${s}.service`);
    const r = d.systemctl('start', ...names);
    assert.equal(r.code, 0, r.stderr);
    const expected = (s: number): { message: string; priority: number }[] => [
      ...Array.from({ length: LINES }, (_, i) => (s % 2 ? { message: `<${i % 8}>s${s} ${i}`, priority: 6 } : { message: `s${s} ${i}`, priority: i % 8 })),
      // journald cuts the long line at LineMax= (48 KiB) and goes on with the rest.
      { message: 'x'.repeat(48 * 1024), priority: 6 }, { message: 'x'.repeat(48 * 1024), priority: 6 }, { message: 'x'.repeat(LONG - 96 * 1024), priority: 6 },
      { message: `s${s} end`, priority: 6 },
    ];
    const outputOf = (entries: readonly JournalEntry[]): JournalEntry[] => entries.filter((e) => e.identifier === 'sh');
    // The output of a finished oneshot is complete by the time its job is: count what was late.
    let late = 0;
    for (let s = 0; s < SERVICES; s++) {
      const unit = names[s]!;
      let entries = await allEntries(d, [unit]);
      if (outputOf(entries).length < LINES + 4) {
        late++;
        await waitFor(() => false, 1500);
        entries = await allEntries(d, [unit]);
      }
      const got = outputOf(entries).map((e) => ({ message: e.message, priority: e.priority }));
      assert.equal(got.length, LINES + 4, `${unit}: ${got.length} lines`);
      assert.deepEqual(got, expected(s), unit);
      // The output comes before the manager's word that the unit is done with.
      const done = entries.findIndex((e) => e.identifier === 'nsbox' && e.message.endsWith('Deactivated successfully.'));
      const lastOutput = entries.map((e) => e.identifier).lastIndexOf('sh');
      if (done >= 0 && lastOutput > done) late++;
    }
    t.diagnostic(`services whose output was not complete when their job was: ${late}`);
    assert.equal(late, 0);
  });
});
