import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadUnit } from '../../../src/unit/load.js';
import { unitSearchPath, SYSTEM_UNIT_PATH } from '../../../src/unit/search-path.js';
import { analyzeVerify } from '../../../src/cli/analyze-verify.js';
import { host } from './specifiers.test.js';

const trees: string[] = [];
after(() => trees.forEach((root) => rmSync(root, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'nsbox-unit-'));
  trees.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), join(root, path));
    else writeFileSync(join(root, path), content);
  }
  return root;
}

test('unitSearchPath() replaces the defaults, or appends them after a trailing colon', () => {
  assert.deepEqual(unitSearchPath('/a:/b'), ['/a', '/b']);
  assert.deepEqual(unitSearchPath('/a:/b:'), ['/a', '/b', ...SYSTEM_UNIT_PATH]);
  assert.deepEqual(unitSearchPath(undefined), SYSTEM_UNIT_PATH);
});

test('loadUnit() applies drop-ins as systemd 252 does: path-major, same name shadowed, sorted', async () => {
  // The same tree gave, under systemd 252: Description "a-tmpl-z i-x" from a/foo-bar-baz@.service.d/z.conf,
  // drop-ins a/service.d/x.conf, a/foo-bar-.service.d/y.conf, a/foo-bar-baz@.service.d/z.conf.
  const root = tree({
    'a/foo-bar-baz@.service': '[Service]\nExecStart=/bin/true %i\n',
    'a/foo-bar-baz@.service.d/z.conf': '[Unit]\nDescription=a-tmpl-z %i\n',
    'b/foo-bar-baz@.service.d/z.conf': '[Unit]\nDescription=b-tmpl-z\n',
    'a/foo-.service.d/z.conf': '[Unit]\nDescription=foo-prefix-z\n',
    'a/foo-bar-.service.d/y.conf': '[Unit]\nDescription=foobar-prefix-y\n',
    'a/service.d/x.conf': '[Unit]\nDescription=toplevel-x\n',
    'b/foo-bar-baz@i-x.service.d/z.conf': '[Unit]\nDescription=b-inst-z\n',
  });
  const u = await loadUnit('foo-bar-baz@i-x.service', { unitPath: `${root}/a:${root}/b`, host });
  assert.equal(u.loadState, 'loaded');
  assert.equal(u.settings.unit.description, 'a-tmpl-z i-x');
  assert.deepEqual(u.dropInPaths, [`${root}/a/service.d/x.conf`, `${root}/a/foo-bar-.service.d/y.conf`, `${root}/a/foo-bar-baz@.service.d/z.conf`]);
  assert.equal(u.fragmentPath, `${root}/a/foo-bar-baz@.service`);
  assert.deepEqual(u.settings.service.execStart[0]!.argv, ['/bin/true', 'i-x']);
});

test('loadUnit() honours search path precedence and a --root prefix', async () => {
  const root = tree({
    'etc/systemd/system/x.service': '[Service]\nExecStart=/bin/etc\n',
    'usr/lib/systemd/system/x.service': '[Service]\nExecStart=/bin/usr\n',
  });
  const u = await loadUnit('x.service', { root, host });
  assert.equal(u.fragmentPath, `${root}/etc/systemd/system/x.service`);
  assert.equal(u.settings.service.execStart[0]!.path, '/bin/etc');
});

test('loadUnit() with --root resolves an absolute drop-in directory symlink inside the root', async () => {
  const root = tree({
    'usr/lib/systemd/system/x.service': '[Service]\nExecStart=/bin/x\n',
    'srv/dropins/a.conf': '[Unit]\nDescription=from the tree\n',
    'etc/systemd/system/x.service.d': '->/srv/dropins',
  });
  const u = await loadUnit('x.service', { root, host });
  assert.deepEqual(u.dropInPaths, [`${root}/srv/dropins/a.conf`]);
  assert.equal(u.settings.unit.description, 'from the tree');
});

test('loadUnit() reports masked units (symlink to /dev/null or empty file) and missing ones', async () => {
  const root = tree({
    'etc/systemd/system/m.service': '->/dev/null',
    'usr/lib/systemd/system/m.service': '[Service]\nExecStart=/bin/true\n',
    'etc/systemd/system/e.service': '',
  });
  assert.equal((await loadUnit('m.service', { root, host })).loadState, 'masked');
  assert.equal((await loadUnit('e.service', { root, host })).loadState, 'masked');
  assert.equal((await loadUnit('n.service', { root, host })).loadState, 'not-found');
});

test('loadUnit() follows alias symlinks and applies the alias drop-ins too', async () => {
  const root = tree({
    'usr/lib/systemd/system/real.service': '[Service]\nExecStart=/bin/true\n',
    'etc/systemd/system/other.service': '->/usr/lib/systemd/system/real.service',
    'etc/systemd/system/other.service.d/a.conf': '[Unit]\nDescription=via alias\n',
  });
  const u = await loadUnit('other.service', { root, host });
  assert.equal(u.name, 'real.service');
  assert.deepEqual(u.aliases, ['other.service']);
  assert.equal(u.settings.unit.description, 'via alias');
});

test('loadUnit() masks a drop-in linked to /dev/null and instantiates templates as test_instance', async () => {
  const root = tree({
    'usr/lib/systemd/system/t@.service': '[Service]\nExecStart=/bin/echo %i\n',
    'usr/lib/systemd/system/t@.service.d/a.conf': '[Unit]\nDescription=shadowed\n',
    'etc/systemd/system/t@.service.d/a.conf': '->/dev/null',
  });
  const u = await loadUnit('t@.service', { root, host });
  assert.equal(u.name, 't@test_instance.service');
  assert.equal(u.settings.unit.description, undefined);
  assert.deepEqual(u.settings.service.execStart[0]!.argv, ['/bin/echo', 'test_instance']);
});

test('loadUnit() refuses a service without ExecStart= like systemd', async () => {
  const root = tree({ 'etc/systemd/system/b.service': '[Service]\nType=simple\n' });
  const u = await loadUnit('b.service', { root, host });
  assert.equal(u.loadState, 'bad-setting');
  assert.equal(u.diagnostics[0]!.message, 'Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.');
});

test('analyzeVerify() prints diagnostics like systemd-analyze verify', async () => {
  const root = tree({
    'a.service': '[Service]\nFoo=1\nExecStart=/nonexistent/x\n',
    'c.service': '[Service]\nExecStart=rel/x\n',
    'd.service': '[Service]\nFoo=1\nExecStart=/bin/true\n',
  });
  // Expected texts are systemd-analyze verify's own output for these files.
  assert.deepEqual(await analyzeVerify([`${root}/a.service`], {}), {
    output: `${root}/a.service:2: Unknown key 'Foo' in section [Service], ignoring.\na.service: Command /nonexistent/x is not executable: No such file or directory\n`,
    exitCode: 1,
  });
  assert.deepEqual(await analyzeVerify([`${root}/c.service`], {}), {
    output: `${root}/c.service:2: Neither a valid executable name nor an absolute path: rel/x\nc.service: Unit configuration has fatal error, unit will not be started.\nUnit c.service has a bad unit file setting.\n`,
    exitCode: 1,
  });
  assert.equal((await analyzeVerify([`${root}/d.service`], {})).exitCode, 0);
});

test('analyzeVerify(): unbalanced quoting in ExecStart= is fatal, as systemd-analyze verify 252 says it', async () => {
  const root = tree({ 'q.service': '[Service]\nExecStart=/bin/echo "unterminated\n' });
  assert.deepEqual(await analyzeVerify([`${root}/q.service`], {}), {
    output: `${root}/q.service:2: Unbalanced quoting, ignoring: "/bin/echo "unterminated"\nq.service: Unit configuration has fatal error, unit will not be started.\nUnit q.service has a bad unit file setting.\n`,
    exitCode: 1,
  });
});
