// How long the extension host's event loop was blocked while a job ran in the worker: the
// proof that heavy work stays off the host thread. No `vscode` import.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface HostDelay {
  p99Ms: number;
  maxMs: number;
  samples: number;
}

const RESOLUTION_MS = 10;

/** Measures the host's event-loop delay while `work` runs. */
export async function measureHostDelay<T>(work: () => Promise<T>): Promise<{ value: T; delay: HostDelay }> {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  try {
    const value = await work();
    h.disable();
    return { value, delay: summarize(h) };
  } finally {
    h.disable();
  }
}

// The histogram records the whole interval between timer ticks, resolution included: subtract it
// to get the delay itself.
function summarize(h: ReturnType<typeof monitorEventLoopDelay>): HostDelay {
  if (h.count === 0) return { p99Ms: 0, maxMs: 0, samples: 0 };
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return { p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), samples: h.count };
}

export function formatHostDelay(d: HostDelay): string {
  return `host event-loop delay p99/max during the job: ${d.p99Ms.toFixed(1)}/${d.maxMs.toFixed(1)} ms (${d.samples} samples)`;
}
