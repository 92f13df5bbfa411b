// How long the extension host's event loop was held up while a job ran in the worker: the
// proof that heavy work stays off the host thread. Two views of the same interval:
//  - the event-loop delay (perf_hooks.monitorEventLoopDelay), what a user feels, which also
//    counts time the OS gave the CPU to someone else;
//  - on Linux, the host thread's own scheduler figures (/proc/thread-self/schedstat: time on a
//    CPU and time runnable but waiting for one), which separate "the host was busy" from "the
//    machine was busy". No `vscode` import.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface HostDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
  /** Linux only: the worst tick-to-tick stall, and how much of it the host thread ran or waited for a CPU. */
  worstStall?: { ms: number; ranMs: number; waitedMs: number };
  /** Linux only: the most the host thread ran between two ticks (its own longest block). */
  maxRunMs?: number;
  cpus: number;
  loadAverage: number;
}

const RESOLUTION_MS = 10;
const SCHEDSTAT = '/proc/thread-self/schedstat';

/** [ms on a CPU, ms waiting for one] of the calling thread, or undefined off Linux. */
function schedstat(): [number, number] | undefined {
  try {
    const [run, wait] = readFileSync(SCHEDSTAT, 'latin1').split(' ').map(Number);
    return run !== undefined && wait !== undefined && Number.isFinite(run) && Number.isFinite(wait) ? [run / 1e6, wait / 1e6] : undefined;
  } catch {
    return undefined;
  }
}

/** Measures the host's event-loop delay while `work` runs. */
export async function measureHostDelay<T>(work: () => Promise<T>): Promise<{ value: T; delay: HostDelay }> {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let last = { at: performance.now(), sched: schedstat() };
  let worstStall: HostDelay['worstStall'];
  let maxRunMs: number | undefined;
  const ticker = setInterval(() => {
    const now = { at: performance.now(), sched: schedstat() };
    if (now.sched && last.sched) {
      const ranMs = now.sched[0] - last.sched[0];
      const waitedMs = now.sched[1] - last.sched[1];
      const ms = Math.max(0, now.at - last.at - RESOLUTION_MS);
      if (!worstStall || ms > worstStall.ms) worstStall = { ms, ranMs, waitedMs };
      maxRunMs = Math.max(maxRunMs ?? 0, ranMs);
    }
    last = now;
  }, RESOLUTION_MS);
  ticker.unref();
  h.enable();
  try {
    const value = await work();
    return { value, delay: { ...summarize(h), worstStall, maxRunMs, cpus: availableParallelism(), loadAverage: loadavg()[0] ?? 0 } };
  } finally {
    h.disable();
    clearInterval(ticker);
  }
}

// The histogram records the whole interval between its timer's ticks, resolution included:
// subtract it to get the delay itself.
function summarize(h: ReturnType<typeof monitorEventLoopDelay>): Pick<HostDelay, 'p50Ms' | 'p99Ms' | 'maxMs' | 'samples'> {
  if (h.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0, samples: 0 };
  const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return { p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max), samples: h.count };
}

export function formatHostDelay(d: HostDelay): string {
  const f = (x: number) => x.toFixed(1);
  let s = `host event-loop delay p50/p99/max during the job: ${f(d.p50Ms)}/${f(d.p99Ms)}/${f(d.maxMs)} ms (${d.samples} samples)`;
  if (d.maxRunMs !== undefined) s += `; host thread ran at most ${f(d.maxRunMs)} ms between ticks`;
  if (d.worstStall) s += `; worst stall ${f(d.worstStall.ms)} ms: ran ${f(d.worstStall.ranMs)} ms, waited for a CPU ${f(d.worstStall.waitedMs)} ms`;
  return `${s}; load average ${d.loadAverage.toFixed(1)} on ${d.cpus} CPUs`;
}
