// Starts a Launchable and returns the handle every user of the launch layer watches and stops it
// with. The helper supervises the payload (signals, cleanup); this side folds its notify messages
// and signals the whole cgroup on request.
import { performance } from 'node:perf_hooks';
import { spawn } from '../executor/spawn.js';
import type { SpawnOptions } from '../executor/types.js';
import type { NotifyMessage } from '../executor/notify-relay.js';
import { signalCgroups } from './cgroup-signal.js';
import { INITIAL_NOTIFY_STATE, foldNotify } from './notify-state.js';
import type { KillTarget, LaunchHandle, Launchable, NotifyState } from './types.js';

export type LaunchOptions = Pick<SpawnOptions, 'stdio' | 'extraFds'>;

export async function launch(launchable: Launchable, options: LaunchOptions = {}): Promise<LaunchHandle> {
  const hasNotify = launchable.plan.supervisor?.notify !== undefined;
  const sandbox = await spawn(launchable.plan, { ...options, notifications: hasNotify });
  let state: NotifyState = INITIAL_NOTIFY_STATE;
  const listeners: ((m: NotifyMessage) => void)[] = [];
  let resolveReady: (ready: boolean) => void = () => {};
  const ready = new Promise<boolean>((resolve) => (resolveReady = resolve));
  void sandbox.exited.finally(() => resolveReady(false));
  if (sandbox.notifications) {
    const messages = sandbox.notifications;
    void (async () => {
      for await (const message of messages) {
        state = foldNotify(state, message, performance.now());
        if (state.ready) resolveReady(true);
        for (const l of listeners) l(message);
      }
    })();
  } else {
    resolveReady(false);
  }
  return {
    pid: sandbox.pid,
    helperPid: sandbox.helperPid,
    stdin: sandbox.stdin,
    stdout: sandbox.stdout,
    stderr: sandbox.stderr,
    exited: sandbox.exited,
    ready,
    notifyState: () => state,
    onNotify: (listener) => void listeners.push(listener),
    kill: (signal: NodeJS.Signals = 'SIGTERM', target: KillTarget = 'main') => {
      if (target === 'all' && launchable.cgroupDirs.length > 0) signalCgroups(launchable.cgroupDirs, signal);
      else sandbox.kill(signal);
    },
    release: () => launchable.release(),
  };
}
