// `nsbox nspawn`: parse nspawn's options, merge the machine's .nspawn file into them, prepare the
// container (facts, cgroups, registration), then hand this process over to the helper, which
// supervises the container from then on.
// NSBOX_NSPAWN_NO_HANDOVER=1 keeps Node in charge (spawn and wait), for debugging.
// The executor's two modules directly rather than index.js: the whole public API costs ~35 ms of
// imports on every container start, and this verb needs only these.
import { isSystemError } from './system-error.js';
import { needsRoot } from './need-root.js';
import { VERSION } from '../version.js';
import { launchInPlace } from '../launch/in-place.js';
import { isTerminal } from '../executor/libc.js';
import { NsboxError } from '../errors.js';
import { helpText, parseNspawnArgs, type NspawnOptions } from '../nspawn/options.js';
import { prepareContainer, type PreparedContainer } from '../machines/container.js';
import { applyNspawnSettings } from '../machines/settings-files.js';

const LABEL = 'nsbox nspawn: ';

function fail(err: unknown): number {
  if (err instanceof NsboxError || isSystemError(err)) {
    process.stderr.write(`${LABEL}${err.message}\n`);
    return 1;
  }
  throw err;
}

function banner(options: NspawnOptions, c: PreparedContainer): void {
  if (options.quiet) return;
  for (const w of c.warnings) process.stderr.write(`${w}\n`);
  process.stderr.write(`Spawning container ${c.machine} on ${c.directory}.\n`);
  if (c.console === 'interactive') process.stderr.write('Press ^] three times within 1s to kill container.\n');
}

async function runInNode(c: PreparedContainer): Promise<number> {
  try {
    const { launch } = await import('../launch/launch.js');
    const box = await launch(c, { stdio: 'inherit' });
    // The helper translates these; Node must not die of them meanwhile.
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => box.kill(sig));
    const status = await box.exited;
    return status.kind === 'exited' ? status.code : 1;
  } finally {
    c.release();
  }
}

export async function main(args: readonly string[]): Promise<number> {
  let options: NspawnOptions;
  let container: PreparedContainer;
  try {
    options = parseNspawnArgs(args);
    if (options.help) {
      process.stdout.write(helpText());
      return 0;
    }
    if (options.version) {
      process.stdout.write(`nsbox ${VERSION} (systemd-nspawn 252 compatible)\n`);
      return 0;
    }
    if (needsRoot()) return 1;
    const withSettings = applyNspawnSettings(options);
    // Printed even with -q, as nspawn prints what it ignores in a settings file.
    for (const w of withSettings.warnings) process.stderr.write(`${w}\n`);
    options = withSettings.options;
    container = prepareContainer(options, {
      stdinIsTty: isTerminal(0),
      stdoutIsTty: isTerminal(1),
      supervisorPid: process.pid,
      forceUnified: process.env['SYSTEMD_NSPAWN_UNIFIED_HIERARCHY'] === '1',
    });
  } catch (err) {
    return fail(err);
  }
  banner(options, container);
  if (process.env['NSBOX_NSPAWN_NO_HANDOVER'] === '1') return runInNode(container).catch(fail);
  try {
    launchInPlace(container, { failureExitCode: 1, labelPrefix: LABEL });
  } catch (err) {
    return fail(err);
  }
}
