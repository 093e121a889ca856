// `nsbox systemctl --root=DIR` side by side with systemctl 252's own --root: the same sequence of
// enable/disable/reenable/mask/unmask/is-enabled/list-unit-files on two copies of one tree, the
// same output (stdout and stderr, root path replaced), the same exit codes and the same files
// (presets included)
// and links left. Then a hostile tree whose config directories are symlinks that point out of
// it: nothing outside the root is read or written.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NSBOX_BIN } from './nspawn-cli.js';

const hasReference = spawnSync('systemctl', ['--version']).status === 0;
const skip = !hasReference && 'systemctl is not installed';

/** The environment without SYSTEMD_UNIT_PATH: both tools search their default path inside the root. */
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SYSTEMD_UNIT_PATH'));

const svc = (install = ''): string => `[Service]\nExecStart=/bin/true\n${install ? `[Install]\n${install}\n` : ''}`;

/** A tree with a unit file for each enablement state systemctl tells apart. */
function makeTree(root: string): void {
  const etc = join(root, 'etc/systemd/system');
  const lib = join(root, 'usr/lib/systemd/system');
  for (const d of [etc, lib, join(root, 'run/systemd/system'), join(root, 'opt'), join(lib, 'x.target.wants')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(etc, 'foo.service'), svc('WantedBy=multi-user.target\nRequiredBy=bar.target\nAlias=foo2.service\nAlso=baz.service'));
  writeFileSync(join(lib, 'baz.service'), svc('WantedBy=default.target'));
  writeFileSync(join(lib, 'static.service'), svc());
  writeFileSync(join(lib, 'a.service'), svc('WantedBy=multi-user.target'));
  writeFileSync(join(lib, 'indirect.service'), svc('Also=a.service'));
  writeFileSync(join(lib, 'tpl@.service'), svc('WantedBy=multi-user.target\nDefaultInstance=x'));
  writeFileSync(join(lib, 'tpl2@.service'), svc('WantedBy=multi-user.target'));
  writeFileSync(join(lib, 'masked.service'), svc('WantedBy=multi-user.target'));
  writeFileSync(join(lib, 'rt.service'), svc('WantedBy=multi-user.target'));
  writeFileSync(join(lib, 'multi-user.target'), '[Unit]\nDescription=x\n');
  writeFileSync(join(root, 'opt/ln2.service'), svc('WantedBy=y.target'));
  symlinkSync('/opt/ln2.service', join(etc, 'ln2.service'));
  writeFileSync(join(lib, 'vw.service'), svc('WantedBy=y.target'));
  symlinkSync('../vw.service', join(lib, 'x.target.wants/vw.service'));
  writeFileSync(join(etc, 'empty.service'), '');
  symlinkSync('/nonexistent.service', join(etc, 'dangle.service'));
  writeFileSync(join(lib, 'spec.service'), svc('WantedBy=multi-user.target\nAlias=%p-alias.service'));
  writeFileSync(join(root, 'opt/lk.service'), svc('WantedBy=multi-user.target\nAlias=lk2.service'));
  // Presets: /etc's file sorts first and its rule wins; a template's rule names its instances.
  mkdirSync(join(root, 'usr/lib/systemd/system-preset'), { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system-preset'), { recursive: true });
  writeFileSync(join(root, 'usr/lib/systemd/system-preset/50-x.preset'), 'enable a.service\ndisable rt.service\nenable tpl@.service y z\n');
  writeFileSync(join(root, 'etc/systemd/system-preset/10-y.preset'), '# local\ndisable foo.service\n');
}

const SEQUENCE = [
  'enable foo', 'is-enabled foo foo2 baz a static indirect tpl@.service tpl@x.service tpl@z.service', 'enable tpl@.service', 'enable tpl2@.service',
  'enable tpl2@y.service', 'mask masked', 'enable --runtime rt',
  'is-enabled a indirect static tpl@.service tpl@x.service tpl@z.service tpl2@.service tpl2@y.service masked rt ln2 vw empty',
  'is-enabled dangle', 'is-enabled nope', 'list-unit-files', 'list-unit-files --type=target --no-legend', 'list-unit-files --state=static,masked',
  'list-unit-files tpl*', 'list-unit-files --state=generated', 'list-unit-files --type=bogus', 'enable static', 'enable nope', 'disable nope', 'disable a',
  'enable a', 'enable a', 'reenable a', 'mask a', 'is-enabled a', 'unmask a', 'unmask a', 'disable a', 'is-enabled a', 'is-enabled -q a static',
  'enable -q foo', 'mask empty', 'enable masked', 'disable masked', 'enable spec', 'is-enabled spec spec-alias', 'disable spec', 'disable foo',
  'disable --runtime rt', 'unmask masked', 'list-unit-files', 'enable vw', 'disable vw', 'enable', 'is-enabled',
  'preset a', 'preset a', 'enable rt', 'preset rt', 'preset static', 'preset nope', 'enable foo', 'preset foo', 'preset tpl@.service', 'preset baz',
  'list-unit-files --state=disabled,enabled',
  'enable /opt/lk.service', 'is-enabled lk lk2', 'disable /opt/lk.service', 'enable opt/lk.service', 'enable /opt/nope.service', 'mask /opt/lk.service',
  'unmask /opt/lk.service', 'reenable /opt/lk.service', 'list-unit-files lk*',
];

/** Every file and link below root, links with their text: what a sequence left behind. */
function listing(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir)).sort().flatMap((name) => {
    const rel = join(dir, name);
    const st = lstatSync(join(root, rel));
    if (st.isSymbolicLink()) return [`${rel} -> ${readlinkSync(join(root, rel))}`];
    return st.isDirectory() ? [`${rel}/`, ...listing(root, rel)] : [rel];
  });
}

function runSequence(command: readonly string[], root: string): string {
  const out: string[] = [];
  for (const step of SEQUENCE) {
    const r = spawnSync(command[0]!, [...command.slice(1), `--root=${root}`, ...step.split(' ')], { encoding: 'utf8', env: ENV });
    out.push(`### ${step}`, `rc=${r.status}`, `stdout:`, r.stdout.replaceAll(root, 'ROOT'), `stderr:`, r.stderr.replaceAll(root, 'ROOT'));
  }
  return out.join('\n');
}

describe('nsbox systemctl --root against systemctl --root', { skip }, () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'nsbox-unit-files-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('the same output, exit codes and links, step by step', () => {
    const ref = join(scratch, 'ref');
    const ours = join(scratch, 'ours');
    makeTree(ref);
    makeTree(ours);
    const expected = runSequence(['systemctl'], ref);
    const actual = runSequence([process.execPath, NSBOX_BIN, 'systemctl'], ours);
    // Sanity: the sequence does exercise links, failures and every listing.
    assert.match(expected, /Created symlink ROOT\/etc\/systemd\/system\/multi-user\.target\.wants\/foo\.service → \/etc\/systemd\/system\/foo\.service\./);
    assert.match(expected, /### enable nope\nrc=1/);
    assert.equal(actual, expected);
    assert.deepEqual(listing(ours), listing(ref));
  });

  test('a hostile tree: config directories and .wants links pointing out of the root stay inside it', () => {
    const root = join(scratch, 'hostile');
    const outside = join(scratch, 'outside');
    mkdirSync(join(outside, 'etc/systemd/system'), { recursive: true });
    writeFileSync(join(outside, 'sentinel.service'), svc('WantedBy=multi-user.target'));
    mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
    mkdirSync(join(root, 'etc/systemd'), { recursive: true });
    mkdirSync(join(root, 'run/systemd'), { recursive: true });
    // /etc/systemd/system -> an absolute path climbing far above /: inside the root that is /elsewhere.
    symlinkSync(`/../../../../../../..${outside}/etc/systemd/system`, join(root, 'etc/systemd/system'));
    // /run/systemd/system -> a relative path climbing out of the root.
    symlinkSync(`../../../../../../../../..${outside}/etc/systemd/system`, join(root, 'run/systemd/system'));
    writeFileSync(join(root, 'usr/lib/systemd/system/h.service'), svc('WantedBy=multi-user.target\nAlias=h2.service'));
    // A unit name linked to a host file by absolute path: read inside the root (where it is missing).
    mkdirSync(join(root, 'usr/lib/systemd/system/multi-user.target.wants'));
    symlinkSync(join(outside, 'sentinel.service'), join(root, 'usr/lib/systemd/system/sentinel.service'));
    const before = listing(outside);
    const nsbox = (...args: string[]) => spawnSync(process.execPath, [NSBOX_BIN, 'systemctl', `--root=${root}`, ...args], { encoding: 'utf8', env: ENV });
    const enabled = nsbox('enable', 'h.service');
    assert.equal(enabled.status, 0, enabled.stderr);
    const runtime = nsbox('enable', '--runtime', 'h.service');
    assert.equal(runtime.status, 0, runtime.stderr);
    assert.equal(nsbox('mask', 'x.service').status, 0);
    const sentinel = nsbox('is-enabled', 'sentinel.service');
    assert.equal(sentinel.status, 1);
    assert.match(sentinel.stderr, /Failed to get unit file state for sentinel\.service: No such file or directory/);
    assert.deepEqual(listing(outside), before, 'nothing outside the root changed');
    // The links went where the tree's own links lead when its root is /: below ROOT/<outside path>.
    const inside = join(root, outside, 'etc/systemd/system');
    assert.deepEqual(listing(inside), ['h2.service -> /usr/lib/systemd/system/h.service', 'multi-user.target.wants/', 'multi-user.target.wants/h.service -> /usr/lib/systemd/system/h.service', 'x.service -> /dev/null']);
    assert.equal(nsbox('disable', 'h.service').status, 0);
    assert.equal(nsbox('unmask', 'x.service').status, 0);
    assert.deepEqual(listing(inside), []);
    assert.deepEqual(listing(outside), before);
    // A link that cannot be made (a file where its directory should be): what was made is
    // reported, the failure names the path, exit 1.
    writeFileSync(join(inside, 'multi-user.target.wants'), 'not a directory\n');
    const blocked = nsbox('enable', 'h.service');
    assert.equal(blocked.status, 1);
    assert.match(blocked.stderr, /^Created symlink \S+\/h2\.service → \/usr\/lib\/systemd\/system\/h\.service\.\nFailed to enable unit: Failed to create symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/h\.service: ENOTDIR/);
    assert.deepEqual(listing(outside), before);
  });
});
