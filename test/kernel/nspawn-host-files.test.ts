// --resolv-conf= and --timezone= (ResolvConf=, Timezone=) on a busybox tree: what the container
// sees at /etc/resolv.conf and /etc/localtime and what stays in the tree afterwards, side by side
// with systemd-nspawn 252 from the same starting state.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { inBox } from './nspawn-cli.js';
import { sideBySide } from './nspawn-reference.js';

/** Each file inside, and whether something is mounted over it (ro or rw). */
const SCRIPT = 'for f in /etc/resolv.conf /etc/localtime; do if [ -e $f ]; then echo "$f: $(wc -c < $f) bytes"; else echo "$f: none"; fi; done; '
  + 'awk \'$5 ~ /^\\/etc\\/(resolv.conf|localtime)$/ { split($6, o, ","); print $5, o[1] }\' /proc/self/mountinfo';

type State = 'none' | 'file' | 'link';

describe('nsbox nspawn --resolv-conf and --timezone', { skip: needsRoot }, () => {
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  const etc = (name: string): string => join(tree.root, 'etc', name);

  /** The tree's /etc/resolv.conf and /etc/localtime before a run: missing, a file, or a symlink elsewhere. */
  const state = (resolv: State, localtime: State) => (): void => {
    for (const [name, s] of [['resolv.conf', resolv], ['localtime', localtime]] as const) {
      rmSync(etc(name), { force: true });
      if (s === 'file') writeFileSync(etc(name), `tree's own ${name}\n`);
      if (s === 'link') symlinkSync('../usr/share/zoneinfo/Europe/Berlin', etc(name));
    }
  };
  /** What a run left in the tree. */
  const left = (): string => ['resolv.conf', 'localtime'].map((name) => {
    const p = etc(name);
    if (!existsSync(p) && !(() => { try { return lstatSync(p).isSymbolicLink(); } catch { return false; } })()) return `${name}: none`;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return `${name} -> ${readlinkSync(p)}`;
    return `${name}: ${(st.mode & 0o777).toString(8)} ${JSON.stringify(readFileSync(p, 'utf8'))}`;
  }).join('\n');

  before(() => {
    tree = makeBusyboxTree('nsbox-hostfiles-');
    snapshot = takeSnapshot({ paths: [tree.root], cgroupPrefix: `nsbox-${basename(tree.root)}`, mountsUnder: [tree.root] });
  });
  after(async () => {
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  test('--resolv-conf=off and --timezone=off leave both files alone', async () => {
    const out = await sideBySide(tree.root, SCRIPT, ['--resolv-conf=off', '--timezone=off'], { prepare: state('none', 'none'), left });
    assert.equal(out, '/etc/resolv.conf: none\n/etc/localtime: none\n');
    assert.equal(left(), 'resolv.conf: none\nlocaltime: none');
  });

  test('--resolv-conf=copy-host copies the host\'s file over the tree\'s, also with a private network; not into a read-only tree', { skip: !existsSync('/etc/resolv.conf') }, async () => {
    const host = readFileSync('/etc/resolv.conf', 'utf8');
    for (const start of ['none', 'file'] as const) {
      await sideBySide(tree.root, SCRIPT, ['--resolv-conf=copy-host', '--timezone=off'], { prepare: state(start, 'none'), left });
      assert.equal(left().split('\n')[0], `resolv.conf: 644 ${JSON.stringify(host)}`, start);
    }
    await sideBySide(tree.root, SCRIPT, ['--resolv-conf=copy-host', '--timezone=off', '--private-network'], { prepare: state('file', 'none'), left });
    assert.equal(left().split('\n')[0], `resolv.conf: 644 ${JSON.stringify(host)}`);
    await sideBySide(tree.root, SCRIPT, ['--resolv-conf=copy-host', '--timezone=off', '--read-only'], { prepare: state('file', 'none'), left });
    assert.equal(left().split('\n')[0], 'resolv.conf: 644 "tree\'s own resolv.conf\\n"');
  });

  test('--resolv-conf=bind-host binds the host\'s file read-only, over the tree\'s or a new empty one', { skip: !existsSync('/etc/resolv.conf') }, async () => {
    const bytes = readFileSync('/etc/resolv.conf').length;
    const out = await sideBySide(tree.root, SCRIPT, ['--resolv-conf=bind-host', '--timezone=off'], { prepare: state('file', 'none'), left });
    assert.equal(out, `/etc/resolv.conf: ${bytes} bytes\n/etc/localtime: none\n/etc/resolv.conf ro\n`);
    assert.equal(left().split('\n')[0], 'resolv.conf: 644 "tree\'s own resolv.conf\\n"');
    await sideBySide(tree.root, SCRIPT, ['--resolv-conf=bind-host', '--timezone=off'], { prepare: state('none', 'none'), left });
    assert.equal(left().split('\n')[0], 'resolv.conf: 644 ""', 'the mount point stays behind, as with nspawn');
  });

  test('a symlinked /etc/resolv.conf is left alone: not written through, and a link to nowhere still starts', async () => {
    writeFileSync(etc('hostname'), 'tree-host\n');
    for (const mode of ['auto', 'copy-host', 'bind-host']) {
      // To a file of the tree: a copy through it would overwrite /etc/hostname. (nspawn binds over
      // an existing target with bind-host, so that one is not compared; nsbox leaves every link.)
      const prepare = (): void => {
        state('none', 'none')();
        symlinkSync('hostname', etc('resolv.conf'));
      };
      const linkLeft = (): string => `${readlinkSync(etc('resolv.conf'))} ${readFileSync(etc('hostname'), 'utf8')}`;
      if (mode === 'bind-host') {
        prepare();
        const r = await inBox(tree.root, 'cat /etc/hostname', [`--resolv-conf=${mode}`, '--timezone=off']);
        assert.equal(r.stdout, 'tree-host\n', r.stderr);
      } else await sideBySide(tree.root, 'cat /etc/hostname', [`--resolv-conf=${mode}`, '--timezone=off'], { prepare, left: linkLeft });
      assert.equal(linkLeft(), 'hostname tree-host\n', mode);
      // Into /run, empty at start-up (as a resolved stub link is).
      const out = await sideBySide(tree.root, 'echo started', [`--resolv-conf=${mode}`, '--timezone=off'], {
        prepare: () => { state('none', 'none')(); symlinkSync('../run/resolv-nowhere.conf', etc('resolv.conf')); },
        left: () => readlinkSync(etc('resolv.conf')),
      });
      assert.equal(out, 'started\n', mode);
    }
  });

  test('--resolv-conf=bind-static, bind-uplink, bind-stub: resolved\'s files, where the host has them', async () => {
    for (const m of ['static', 'uplink', 'stub'] as const) {
      const source = { static: '/usr/lib/systemd/resolv.conf', uplink: '/run/systemd/resolve/resolv.conf', stub: '/run/systemd/resolve/stub-resolv.conf' }[m];
      const out = await sideBySide(tree.root, SCRIPT, [`--resolv-conf=bind-${m}`, '--timezone=off'], { prepare: state('file', 'none'), left });
      const seen = existsSync(source) ? `${readFileSync(source).length} bytes\n/etc/localtime: none\n/etc/resolv.conf ro` : `${'tree\'s own resolv.conf\n'.length} bytes\n/etc/localtime: none`;
      assert.equal(out, `/etc/resolv.conf: ${seen}\n`, m);
    }
  });

  test('--timezone=bind binds the host\'s zone over /etc/localtime, a new empty one, or through a symlink over its target', { skip: !existsSync('/etc/localtime') }, async () => {
    const zone = readFileSync('/etc/localtime').length;
    assert.equal(await sideBySide(tree.root, SCRIPT, ['--resolv-conf=off', '--timezone=bind'], { prepare: state('none', 'file'), left }), `/etc/resolv.conf: none\n/etc/localtime: ${zone} bytes\n/etc/localtime ro\n`);
    assert.equal(await sideBySide(tree.root, SCRIPT, ['--resolv-conf=off', '--timezone=bind'], { prepare: state('none', 'none'), left }), `/etc/resolv.conf: none\n/etc/localtime: ${zone} bytes\n/etc/localtime ro\n`);
    assert.equal(left().split('\n')[1], 'localtime: 644 ""', 'the mount point stays behind, as with nspawn');
    const berlin = join(tree.root, 'usr/share/zoneinfo/Europe/Berlin');
    mkdirSync(dirname(berlin), { recursive: true });
    writeFileSync(berlin, 'TZif the tree\'s own\n');
    try {
      const out = await sideBySide(tree.root, `${SCRIPT}; awk '$5 ~ /zoneinfo/ { print $5 }' /proc/self/mountinfo`, ['--resolv-conf=off', '--timezone=bind'], { prepare: state('none', 'link'), left });
      assert.equal(out, `/etc/resolv.conf: none\n/etc/localtime: ${zone} bytes\n/usr/share/zoneinfo/Europe/Berlin\n`);
      assert.equal(left().split('\n')[1], 'localtime -> ../usr/share/zoneinfo/Europe/Berlin');
    } finally {
      rmSync(join(tree.root, 'usr/share'), { recursive: true });
    }
    // nspawn copies the host's zone over a link to nothing; nsbox cannot remove the link.
    state('none', 'link')();
    const dangling = await inBox(tree.root, 'true', ['--timezone=bind']);
    assert.equal(dangling.code, 1);
    assert.match(dangling.stderr, /^nsbox nspawn: bind .* -> \/etc\/localtime: No such file or directory\n$/);
  });

  test('ResolvConf= and Timezone= in a settings file apply even untrusted; the command line wins', async () => {
    const file = join(tree.root, '..', `${basename(tree.root)}.nspawn`);
    writeFileSync(file, '[Exec]\nResolvConf=off\nTimezone=off\n');
    try {
      const out = await sideBySide(tree.root, SCRIPT, [], { prepare: state('none', 'none'), left });
      assert.equal(out, '/etc/resolv.conf: none\n/etc/localtime: none\n');
      const r = await inBox(tree.root, SCRIPT, ['--timezone=bind']);
      assert.match(r.stdout, /\/etc\/localtime ro\n/);
    } finally {
      rmSync(file);
      state('none', 'none')();
    }
  });

  test('the modes nsbox cannot apply yet are refused by name, before anything starts', async () => {
    for (const [option, message] of [
      ['--resolv-conf=replace-host', '--resolv-conf=replace-host is not supported yet'],
      ['--resolv-conf=copy-static', '--resolv-conf=copy-static is not supported yet'],
      ['--resolv-conf=delete', '--resolv-conf=delete is not supported yet'],
      ['--timezone=symlink', '--timezone=symlink is not supported yet'],
      ['--timezone=copy', '--timezone=copy is not supported yet'],
    ] as const) {
      const r = await inBox(tree.root, 'echo started', [option]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', `nsbox nspawn: ${message}\n`], option);
    }
  });
});
