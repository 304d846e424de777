import { constants } from 'node:os';
import { basename, dirname } from 'node:path';

/**
 * SIGTERM and SIGINT for `recouvra run`, heard from the process's first instants.
 *
 * Loading the CLI's modules takes a second or more; a signal in that window used to meet no
 * listener and end the process by the default action, whatever it had begun. main.ts imports this
 * module before any other, and when main.js is the process's entry point the listeners are
 * installed right then: a signal is kept until a command claims it (`recouvra run`, which then
 * stops cleanly, or abandons its start) or releases it (every other command: the default action
 * comes back, and a signal already received is raised again).
 *
 * A second signal does not wait for anything: the process exits at once, with 128 + the signal's
 * number as the shell reports a process killed by it.
 */

type StopSignal = 'SIGTERM' | 'SIGINT';
const SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

export interface StopRequests {
  /** Resolves with the first signal received (at once if one came before the claim). */
  readonly requested: Promise<StopSignal>;
}

let installed = false;
let claimed = false;
let first: StopSignal | undefined;
let resolveFirst: ((signal: StopSignal) => void) | undefined;
const requested = new Promise<StopSignal>((resolve) => (resolveFirst = resolve));

function onSignal(signal: StopSignal): void {
  if (first === undefined) {
    first = signal;
    if (claimed) resolveFirst?.(signal);
    return;
  }
  process.stderr.write(
    `recouvra: ${signal} again: exiting now, without waiting for running work (it is taken again at the next start)\n`,
  );
  process.exit(128 + constants.signals[signal]);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** For the command that stops on a signal: the first one resolves `requested`, a second one exits. */
export function claimStopSignals(): StopRequests {
  install();
  claimed = true;
  if (first !== undefined) resolveFirst?.(first);
  return { requested };
}

/** For every other command: signals take their default action again; one received while loading is raised again now. */
export function releaseStopSignals(): void {
  if (!installed || claimed) return;
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  installed = false;
  if (first !== undefined) process.kill(process.pid, first);
}

// Only when the CLI is the program: a test or a script that imports the CLI keeps its own signals.
const entry = require.main?.filename;
if (entry !== undefined && dirname(entry) === __dirname && /^main\.[cm]?[jt]s$/.test(basename(entry))) install();
