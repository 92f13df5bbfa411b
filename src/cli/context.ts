import type { JobContext } from '../worker/jobs/context';

export interface Out {
  info(line: string): void;
  warn(line: string): void;
  progress(line: string): void;
}

export const stdio: Out = {
  info: (l) => process.stdout.write(l + '\n'),
  warn: (l) => process.stderr.write(`warning: ${l}\n`),
  progress: (l) => {
    if (process.stderr.isTTY) process.stderr.write(`\r${l}\x1b[K`);
  },
};

/** Ctrl-C aborts the running job (which removes its partial output) instead of killing us mid-write. */
const controller = new AbortController();
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  controller.abort();
});
export function wasInterrupted(): boolean {
  return interrupted;
}

export function cliContext(out: Out): JobContext {
  let last = 0;
  return {
    signal: controller.signal,
    progress: (p) => {
      const now = Date.now();
      if (now - last < 200 && p.done < p.total) return;
      last = now;
      out.progress(`${p.stage}: ${p.done}/${p.total}`);
    },
    warn: (m) => out.warn(m),
    log: (m) => {
      if (process.env.GRAIN_VERBOSE) out.warn(m);
    },
  };
}
