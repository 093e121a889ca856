// unit/install.ts without a disk: trees built by hand, states and plans as systemctl 252 gives
// them for the same files (test/kernel/systemctl-unit-files.test.ts compares both on real trees).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareUnitFiles, globMatch, listUnitFiles, parsePresetFile, planDisable, planEnable, planMask, planReenable, planUnmask, presetOf, unitFileState,
  type SearchDir, type UnitDirEntry, type UnitFileTree,
} from '../../../src/unit/install.js';
import { defaultUnitHostFacts } from '../../../src/unit/specifiers.js';

const ETC = '/etc/systemd/system';
const RUN = '/run/systemd/system';
const LIB = '/usr/lib/systemd/system';

interface Spec {
  /** path -> text (a unit file) or `-> target` (a symlink). */
  readonly [path: string]: string;
}

/** A UnitFileTree from a flat description, as the edge would read it. */
function treeOf(spec: Spec): UnitFileTree {
  const texts = new Map<string, string>();
  const links = new Map<string, string>();
  for (const [path, v] of Object.entries(spec)) (v.startsWith('-> ') ? links.set(path, v.slice(3)) : texts.set(path, v));
  const final = (path: string): UnitDirEntry['target'] => {
    for (let p = path, hops = 0; hops < 10; hops++) {
      if (p === '/dev/null') return { kind: 'masked' };
      if (texts.has(p)) return texts.get(p) === '' ? { kind: 'masked' } : { kind: 'file', path: p };
      const next = links.get(p);
      if (next === undefined) return { kind: 'missing' };
      p = next.startsWith('/') ? next : `${p.slice(0, p.lastIndexOf('/'))}/${next}`;
    }
    return { kind: 'missing' };
  };
  const searchPath: SearchDir[] = [ETC, RUN, LIB].map((dir) => {
    const direct = [...texts.keys(), ...links.keys()].filter((p) => p.slice(0, p.lastIndexOf('/')) === dir);
    const depNames = [...new Set([...links.keys()].filter((p) => p.startsWith(`${dir}/`) && p.slice(dir.length + 1).includes('/')).map((p) => p.slice(dir.length + 1).split('/')[0]!))];
    return {
      path: dir,
      entries: direct.map((p) => ({ name: p.slice(dir.length + 1), ...(links.has(p) ? { dest: links.get(p)! } : {}), target: links.has(p) ? final(p) : final(p) })),
      depDirs: depNames.map((name) => ({ name, links: [...links].filter(([p]) => p.startsWith(`${dir}/${name}/`)).map(([p, d]) => ({ name: p.slice(p.lastIndexOf('/') + 1), dest: d })) })),
    };
  });
  const configLinks = new Map([ETC, RUN].map((c) => [c, [...links].filter(([p]) => p.startsWith(`${c}/`)).map(([path, d]) => ({ path, dest: d }))]));
  return { searchPath, texts, configLinks, presets: [], host: defaultUnitHostFacts };
}

const svc = (install = ''): string => `[Service]\nExecStart=/bin/true\n${install ? `[Install]\n${install}\n` : ''}`;

test('unitFileState(): the states systemctl is-enabled prints, links in /usr/lib counting for nothing', () => {
  const t = treeOf({
    [`${LIB}/a.service`]: svc('WantedBy=multi-user.target'),
    [`${ETC}/multi-user.target.wants/a.service`]: `-> ${LIB}/a.service`,
    [`${LIB}/b.service`]: svc('WantedBy=multi-user.target'),
    [`${LIB}/x.target.wants/b.service`]: `-> ../b.service`,
    [`${LIB}/st.service`]: svc(),
    [`${LIB}/ind.service`]: svc('Also=a.service'),
    [`${LIB}/rt.service`]: svc('WantedBy=multi-user.target'),
    [`${RUN}/multi-user.target.wants/rt.service`]: `-> ${LIB}/rt.service`,
    [`${LIB}/m.service`]: svc('WantedBy=multi-user.target'),
    [`${ETC}/m.service`]: '-> /dev/null',
    [`${RUN}/mr.service`]: '-> /dev/null',
    [`${ETC}/al.service`]: `-> ${LIB}/a.service`,
    ['/opt/ln.service']: svc('WantedBy=y.target'),
    [`${ETC}/ln.service`]: '-> /opt/ln.service',
    [`${LIB}/t@.service`]: svc('WantedBy=multi-user.target'),
    [`${ETC}/multi-user.target.wants/t@y.service`]: `-> ${LIB}/t@.service`,
    [`${ETC}/dangle.service`]: '-> /nowhere.service',
  });
  const states = Object.fromEntries(['a', 'b', 'st', 'ind', 'rt', 'm', 'mr', 'al', 'ln', 't@', 't@y', 't@z', 'dangle', 'nope'].map((n) => [n, unitFileState(t, `${n}.service`)]));
  assert.deepEqual(states, {
    a: 'enabled', b: 'disabled', st: 'static', ind: 'indirect', rt: 'enabled-runtime', m: 'masked', mr: 'masked-runtime', al: 'alias', ln: 'linked',
    't@': 'indirect', 't@y': 'enabled', 't@z': 'disabled', dangle: undefined, nope: undefined,
  });
});

test('planEnable(): Alias= first, then WantedBy=/RequiredBy=, then Also= units; links to in-root paths; missing targets reported', () => {
  const t = treeOf({
    [`${ETC}/foo.service`]: svc('WantedBy=multi-user.target\nRequiredBy=bar.target\nAlias=foo2.service\nAlso=baz.service'),
    [`${LIB}/baz.service`]: svc('WantedBy=default.target'),
    [`${LIB}/multi-user.target`]: '[Unit]\n',
  });
  const r = planEnable(t, ['foo.service']);
  assert.equal(r.failed, false);
  assert.deepEqual(r.changes, [
    { kind: 'symlink', path: `${ETC}/foo2.service`, target: `${ETC}/foo.service` },
    { kind: 'symlink', path: `${ETC}/multi-user.target.wants/foo.service`, target: `${ETC}/foo.service` },
    { kind: 'symlink', path: `${ETC}/bar.target.requires/foo.service`, target: `${ETC}/foo.service` },
    { kind: 'destination-not-present', unitPath: `${ETC}/foo.service`, destination: 'bar.target' },
    { kind: 'symlink', path: `${ETC}/default.target.wants/baz.service`, target: `${LIB}/baz.service` },
    { kind: 'destination-not-present', unitPath: `${LIB}/baz.service`, destination: 'default.target' },
  ]);
});

test('planEnable(): templates take DefaultInstance= or fail on a plain target; static units carry no install info; masked and missing units fail', () => {
  const t = treeOf({
    [`${LIB}/d@.service`]: svc('WantedBy=multi-user.target\nDefaultInstance=x'),
    [`${LIB}/n@.service`]: svc('WantedBy=multi-user.target'),
    [`${LIB}/st.service`]: svc(),
    [`${LIB}/m.service`]: svc('WantedBy=a.target'),
    [`${ETC}/m.service`]: '-> /dev/null',
  });
  assert.deepEqual(planEnable(t, ['d@.service']).changes.filter((c) => c.kind === 'symlink'), [{ kind: 'symlink', path: `${ETC}/multi-user.target.wants/d@x.service`, target: `${LIB}/d@.service` }]);
  assert.deepEqual(planEnable(t, ['n@y.service']).changes[0], { kind: 'symlink', path: `${ETC}/multi-user.target.wants/n@y.service`, target: `${LIB}/n@.service` });
  const plain = planEnable(t, ['n@.service']);
  assert.equal(plain.failed, true);
  assert.deepEqual(plain.changes[0], { kind: 'error', error: { kind: 'non-template-destination', unit: 'n@.service', destination: 'multi-user.target' } });
  const st = planEnable(t, ['st.service']);
  assert.deepEqual([st.changes, st.failed, st.noInstallInfo], [[], false, true]);
  assert.deepEqual(planEnable(t, ['m.service']).changes, [{ kind: 'error', error: { kind: 'masked', path: `${ETC}/m.service` } }]);
  assert.deepEqual(planEnable(t, ['nope.service']), { changes: [{ kind: 'error', error: { kind: 'not-found', unit: 'nope.service' } }], failed: true, noInstallInfo: true });
});

test('enable twice changes nothing; --runtime links below /run; a conflicting link fails unless forced', () => {
  const t = treeOf({
    [`${LIB}/a.service`]: svc('WantedBy=multi-user.target\nAlias=b.service'),
    [`${ETC}/multi-user.target.wants/a.service`]: `-> ${LIB}/a.service`,
    [`${LIB}/other.service`]: svc(),
    [`${ETC}/b.service`]: `-> ${LIB}/other.service`,
    [`${LIB}/multi-user.target`]: '[Unit]\n',
  });
  const again = planEnable(t, ['a.service']);
  assert.deepEqual(again.changes, [{ kind: 'error', error: { kind: 'exists', path: `${ETC}/b.service`, symlinkTo: `${LIB}/other.service` } }]);
  assert.deepEqual(planEnable(t, ['a.service'], { force: true }).changes, [
    { kind: 'unlink', path: `${ETC}/b.service` }, { kind: 'symlink', path: `${ETC}/b.service`, target: `${LIB}/a.service` },
  ]);
  assert.deepEqual(planEnable(t, ['a.service'], { runtime: true }).changes.map((c) => c.kind === 'symlink' && c.path), [`${RUN}/b.service`, `${RUN}/multi-user.target.wants/a.service`]);
});

test('planDisable(): links named as the unit or leading to it go, and links to those; an unknown unit is reported but not a failure', () => {
  const t = treeOf({
    [`${ETC}/foo.service`]: svc('WantedBy=multi-user.target\nAlias=foo2.service'),
    [`${ETC}/foo2.service`]: `-> ${ETC}/foo.service`,
    [`${ETC}/multi-user.target.wants/foo.service`]: `-> ${ETC}/foo.service`,
    [`${ETC}/x.target.wants/foo2.service`]: `-> ${ETC}/foo2.service`,
    [`${ETC}/multi-user.target.wants/other.service`]: `-> ${LIB}/other.service`,
    [`${LIB}/other.service`]: svc('WantedBy=multi-user.target'),
  });
  const r = planDisable(t, ['foo.service']);
  assert.equal(r.failed, false);
  assert.deepEqual(r.changes.map((c) => c.kind === 'unlink' && c.path).sort(), [`${ETC}/foo2.service`, `${ETC}/multi-user.target.wants/foo.service`, `${ETC}/x.target.wants/foo2.service`]);
  assert.deepEqual(planDisable(t, ['nope.service']), { changes: [{ kind: 'error', error: { kind: 'not-found', unit: 'nope.service' } }], failed: false, noInstallInfo: false });
});

test('mask/unmask: a /dev/null link made once, an existing file refused; unmask removes only masks', () => {
  const t = treeOf({ [`${ETC}/file.service`]: svc(), [`${ETC}/gone.service`]: '-> /dev/null', [`${ETC}/multi-user.target.wants/gone.service`]: `-> ${ETC}/gone.service` });
  assert.deepEqual(planMask(t, ['a.service']).changes, [{ kind: 'symlink', path: `${ETC}/a.service`, target: '/dev/null' }]);
  assert.deepEqual(planMask(t, ['gone.service']).changes, []);
  assert.equal(planMask(t, ['file.service']).failed, true);
  assert.deepEqual(planUnmask(t, ['gone.service', 'file.service']).changes, [{ kind: 'unlink', path: `${ETC}/gone.service` }, { kind: 'unlink', path: `${ETC}/multi-user.target.wants/gone.service` }]);
});

test('reenable removes the links and makes them again, in that order', () => {
  const t = treeOf({ [`${LIB}/a.service`]: svc('WantedBy=multi-user.target'), [`${ETC}/multi-user.target.wants/a.service`]: `-> ${LIB}/a.service`, [`${LIB}/multi-user.target`]: '[Unit]\n' });
  assert.deepEqual(planReenable(t, ['a.service']).changes, [
    { kind: 'unlink', path: `${ETC}/multi-user.target.wants/a.service` },
    { kind: 'symlink', path: `${ETC}/multi-user.target.wants/a.service`, target: `${LIB}/a.service` },
  ]);
});

test('list-unit-files: first directory wins, sorted by type then name ignoring case; presets by first matching rule', () => {
  const t = treeOf({ [`${ETC}/b.service`]: svc(), [`${LIB}/b.service`]: svc('WantedBy=x.target'), [`${LIB}/A.service`]: svc(), [`${LIB}/m.target`]: '[Unit]\n' });
  const listed = listUnitFiles(t).sort(compareUnitFiles);
  assert.deepEqual(listed.map((e) => [e.name, e.path, e.state]), [['A.service', `${LIB}/A.service`, 'static'], ['b.service', `${ETC}/b.service`, 'static'], ['m.target', `${LIB}/m.target`, 'static']]);
  const rules = parsePresetFile('# comment\nenable foo*.service\ndisable *\n');
  assert.deepEqual([presetOf(rules, 'foobar.service'), presetOf(rules, 'bar.service'), presetOf([], 'x.service')], ['enabled', 'disabled', 'enabled']);
  assert.deepEqual([globMatch('a?[bc]*.service', 'axc1.service'), globMatch('a[!b].service', 'ab.service'), globMatch('*.service', 'x.target')], [true, false, false]);
});
