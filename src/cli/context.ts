import { constants } from 'node:os';
import { removeAllTemporaries } from '../core/io/temp';
import type { JobContext } from '../jobs/context';
import type { Out } from './out';

export { stdio, type Out } from './out';

/**
 * Ctrl-C, SIGTERM and SIGHUP abort the running job, which removes its partial output, instead of
 * killing the process mid-write. A job inside one long model run sees the abort only when the run
 * returns: after a grace period (or a second signal) the temporaries are removed and we exit.
 */
const GRACE_MS = 5000;
const controller = new AbortController();
let received: NodeJS.Signals | undefined;

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (received) exitNow(signal);
    received = signal;
    controller.abort();
    setTimeout(() => exitNow(signal), GRACE_MS).unref();
  });
}

function exitNow(signal: NodeJS.Signals): never {
  removeAllTemporaries();
  process.stderr.write(`\ngrain: stopped by ${signal}; nothing was written\n`);
  process.exit(signalExitCode(signal));
}

/** The shell's convention: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** The signal that stopped the run, if one did. */
export function stoppedBy(): NodeJS.Signals | undefined {
  return received;
}

export function cliContext(out: Out): JobContext {
  let last = 0;
  return {
    signal: controller.signal,
    progress: (p) => {
      const now = Date.now();
      if (now - last < 200 && p.done < p.total) return;
      last = now;
      const percent = p.total > 0 ? ` (${Math.floor((100 * p.done) / p.total)}%)` : '';
      out.progress(`${p.stage}: ${p.done}/${p.total}${percent}`);
    },
    warn: (m) => out.warn(m),
    log: (m) => {
      if (process.env.GRAIN_VERBOSE) out.warn(m);
    },
  };
}
