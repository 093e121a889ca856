import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNspawnArgs } from '../../../src/nspawn/options.js';
import { checkOsTree, defaultMachineName, probePaths, resolveCommand } from '../../../src/nspawn/tree.js';
import { parseGroup, parsePasswd, resolveUser } from '../../../src/nspawn/passwd.js';
import { parseSignal } from '../../../src/plan/signals.js';
import type { TreeFacts } from '../../../src/nspawn/facts.js';

const tree = (present: string[]): TreeFacts => ({ directory: '/srv/t', present: new Set(['/', ...present]), localtime: { kind: 'missing' } });

test('checkOsTree() wants usr/ always and os-release to boot, in nspawn\'s words', () => {
  checkOsTree(tree(['/usr']), false);
  assert.throws(() => checkOsTree(tree(['/usr']), true), { code: 'NSPAWN_NOT_OS_TREE', missing: 'os-release', message: "Directory /srv/t doesn't look like an OS root directory (os-release file is missing). Refusing." });
  assert.throws(() => checkOsTree(tree(['/etc/os-release']), false), { code: 'NSPAWN_NOT_OS_TREE', missing: 'usr', message: "Directory /srv/t doesn't look like it has an OS tree (/usr/ directory is missing). Refusing." });
  checkOsTree(tree(['/usr', '/usr/lib/os-release']), true);
  const notADirectory: TreeFacts = { directory: '/srv/file', present: new Set(), localtime: { kind: 'missing' } };
  assert.throws(() => checkOsTree(notADirectory, false), { code: 'NSPAWN_NOT_OS_TREE', missing: 'usr' });
});

test('resolveCommand(): boot finds systemd before /sbin/init and passes the arguments to it', () => {
  const o = parseNspawnArgs(['-D', '/t', '-b', 'systemd.unit=rescue.target']);
  assert.deepEqual(resolveCommand(o, tree(['/lib/systemd/systemd', '/sbin/init'])), {
    executable: '/lib/systemd/systemd', argv: ['/lib/systemd/systemd', 'systemd.unit=rescue.target'], isSystemdInit: true,
  });
  assert.equal(resolveCommand(o, tree(['/sbin/init'])).isSystemdInit, false);
  assert.throws(() => resolveCommand(o, tree([])), { code: 'NSPAWN_NO_INIT' });
});

test('resolveCommand(): a bare name is searched in the container PATH, no command means a login shell', () => {
  const o = parseNspawnArgs(['-D', '/t', 'ls', '-l']);
  assert.ok(probePaths(o).includes('/usr/bin/ls'));
  assert.deepEqual(resolveCommand(o, tree(['/bin/ls'])), { executable: '/bin/ls', argv: ['ls', '-l'], isSystemdInit: false });
  assert.throws(() => resolveCommand(o, tree([])), { code: 'NSPAWN_COMMAND_NOT_FOUND' });
  assert.deepEqual(resolveCommand(parseNspawnArgs(['-D', '/t']), tree(['/bin/sh'])).argv, ['-sh']);
  assert.deepEqual(resolveCommand(parseNspawnArgs(['-D', '/t', '/x/y']), tree([])).executable, '/x/y');
});

test('defaultMachineName() is the directory name cleaned up to a hostname', () => {
  assert.equal(defaultMachineName('/var/lib/machines/deb12/'), 'deb12');
  assert.equal(defaultMachineName('/tmp/nsbox bb+1'), 'nsboxbb1');
  assert.equal(defaultMachineName('/'), 'container');
});

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nbad line\ntester:x:1000:1000:T:/home/tester:/bin/sh\n';
const GROUP = 'root:x:0:\ntester:x:1000:\nextra:x:1001:tester,other\nwheel:x:10:tester\n';

test('resolveUser() reads the tree passwd by name or number, with supplementary groups', () => {
  assert.equal(parsePasswd(PASSWD).length, 2);
  assert.equal(parseGroup(GROUP).length, 4);
  assert.deepEqual(resolveUser('tester', PASSWD, GROUP), { name: 'tester', uid: 1000, gid: 1000, home: '/home/tester', supplementaryGroups: [1001, 10] });
  assert.equal(resolveUser('1000', PASSWD, GROUP).name, 'tester');
  assert.throws(() => resolveUser('nobody', PASSWD, GROUP), { code: 'NSPAWN_UNKNOWN_USER' });
});

test('parseSignal() takes names, numbers and RTMIN+n as systemd does, names case-sensitive', () => {
  assert.equal(parseSignal('SIGTERM'), 15);
  // systemd-nspawn 252: --kill-signal=sigterm -> "Cannot parse signal: sigterm".
  assert.equal(parseSignal('term'), undefined);
  assert.equal(parseSignal('sigterm'), undefined);
  assert.equal(parseSignal('9'), 9);
  assert.equal(parseSignal('RTMIN+3'), 37);
  assert.equal(parseSignal('SIGRTMAX-1'), 63);
  assert.equal(parseSignal('SIGFOO'), undefined);
  assert.equal(parseSignal('99'), undefined);
});
