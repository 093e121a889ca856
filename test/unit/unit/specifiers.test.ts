import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandSpecifiers, type UnitHostFacts } from '../../../src/unit/specifiers.js';

export const host: UnitHostFacts = {
  hostname: 'vm.example.org',
  machineId: '0123456789abcdef0123456789abcdef',
  bootId: 'fedcba9876543210fedcba9876543210',
  architecture: 'x86-64',
  kernelRelease: '6.1.0',
  osRelease: { ID: 'debian', VERSION_ID: '12' },
  managerUser: { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
};

const ctx = { unitName: 'foo-bar-baz@i-x.service', fragmentPath: '/etc/systemd/system/foo-bar-baz@.service', host };
const x = (s: string) => expandSpecifiers(s, ctx);

test('expandSpecifiers() resolves name specifiers as systemd 252 does', () => {
  // Reference: systemd --test dump of the same unit.
  assert.equal(x('%n %N %p %P %i %I %j %J %f'), 'foo-bar-baz@i-x.service foo-bar-baz@i-x foo-bar-baz foo/bar/baz i-x i/x baz baz /i/x');
});

test('expandSpecifiers() names the manager user, not User=', () => {
  assert.equal(x('%u %U %g %G %h %s'), 'root 0 root 0 /root /bin/bash');
});

test('expandSpecifiers() resolves host and directory specifiers', () => {
  assert.equal(x('%H %l %q %m %b %a %v %o %w %W %B %M %A'),
    'vm.example.org vm vm 0123456789abcdef0123456789abcdef fedcba9876543210fedcba9876543210 x86-64 6.1.0 debian 12    ');
  assert.equal(x('%C %E %L %S %t %T %V %d'), '/var/cache /etc /var/log /var/lib /run /tmp /var/tmp /run/credentials/foo-bar-baz@i-x.service');
  assert.equal(x('%y %Y'), '/etc/systemd/system/foo-bar-baz@.service /etc/systemd/system');
});

test('expandSpecifiers() turns %% into % and refuses unknown or trailing specifiers', () => {
  assert.equal(x('100%%'), '100%');
  assert.throws(() => x('%z'));
  assert.throws(() => x('abc%'));
});

test('expandSpecifiers() gives %f as / plus the unescaped prefix for non-instances', () => {
  assert.equal(expandSpecifiers('%f', { unitName: 'dev-sda1.mount', host }), '/dev/sda1');
  assert.equal(expandSpecifiers('%I', { unitName: 'x@a\\x2db.service', host }), 'a-b');
});
