// The interactive console in a real terminal (tmux): the shell prompt appears, typed commands
// run, a window resize reaches the container, ^]^]^] gets out, and the terminal is restored.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeBusyboxTree, type BusyboxTree } from '../fixtures/busybox-tree.js';
import { needsRoot } from '../fixtures/plans.js';
import { takeSnapshot, assertNoLeaks, type Snapshot } from '../fixtures/cleanup.js';
import { NSBOX_BIN } from './nspawn-cli.js';

const haveTmux = ((): boolean => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('the interactive console', { skip: needsRoot || (!haveTmux && 'tmux not installed') }, () => {
  const session = `nsbox-console-${process.pid}`;
  let tree: BusyboxTree;
  let snapshot: Snapshot;
  const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
  const screen = (): string => tmux('capture-pane', '-p', '-t', session);
  const waitScreen = async (what: RegExp, timeoutMs = 10000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = screen();
      if (what.test(text)) return text;
      if (Date.now() > deadline) assert.fail(`no ${what} on the screen:\n${text}`);
      await sleep(50);
    }
  };

  before(() => {
    tree = makeBusyboxTree('nsbox-con-');
    snapshot = takeSnapshot({ paths: [tree.root], mountsUnder: [tree.root] });
    // After nsbox ends, the pane's shell reports the exit code and the terminal's line discipline.
    const command = `${NSBOX_BIN} nspawn --register=no -D ${tree.root}; echo "EXITED:$?"; stty -a | grep -o -- '-\\?icanon'; sleep 600`;
    tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', 'sh', '-c', command);
  });
  after(async () => {
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone
    }
    await assertNoLeaks(snapshot);
    tree.remove();
  });

  test('the banner and the shell prompt appear', async () => {
    await waitScreen(/Press \^\] three times within 1s to kill container\./);
    // The default shell starts in root's home, as under systemd-nspawn (busybox shows it as ~).
    await waitScreen(/^~ #\s*$/m);
  });

  test('typed commands run inside the container', async () => {
    tmux('send-keys', '-t', session, 'echo answer-$((6*7)) $$ $(hostname)', 'Enter');
    const text = await waitScreen(/answer-42 1 nsbox-con-/);
    assert.match(text, /answer-42 1 nsbox-con-\w+/);
  });

  test('a window resize reaches the container', async () => {
    tmux('resize-window', '-t', session, '-x', '120', '-y', '40');
    await sleep(200);
    tmux('send-keys', '-t', session, 'stty size', 'Enter');
    await waitScreen(/^40 120$/m);
  });

  test('^]^]^] gets out and the terminal is restored', async () => {
    tmux('send-keys', '-t', session, 'C-]', 'C-]', 'C-]');
    const text = await waitScreen(/EXITED:\d+\n.*icanon/);
    assert.match(text, /EXITED:1\n/, 'the payload was killed');
    assert.match(text, /^icanon$/m, 'canonical mode is back on');
  });
});
