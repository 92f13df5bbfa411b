// Reads back the host's event-loop delay that a job logs (src/extension/commands/host-delay.ts
// formatHostDelay, "<title>: host event-loop delay p50/p99/max ..."): from the Grain log file
// (the benchmark) or the Output panel's text (E2E), where a long line wraps, so whitespace is
// ignored.
import type { HostDelay } from '../../src/extension/commands/host-delay';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The figures of the last line for `title` in `text`, or undefined when there is none. */
export function parseHostDelay(text: string, title: string): HostDelay | undefined {
  const compact = text.replace(/\s+/g, '');
  const re = new RegExp(
    `${escape(title.replace(/\s+/g, ''))}:hostevent-loopdelayp50/p99/maxduringthejob:([\\d.]+)/([\\d.]+)/([\\d.]+)ms\\((\\d+)samples\\)` +
      `(?:;hostthreadranatmost([\\d.]+)msbetweenticks)?(?:;worststall([\\d.]+)ms:ran([\\d.]+)ms,waitedforaCPU([\\d.]+)ms)?;loadaverage([\\d.]+)on(\\d+)CPUs`,
    'g',
  );
  const m = [...compact.matchAll(re)].at(-1);
  if (!m) return undefined;
  const n = (i: number) => (m[i] === undefined ? undefined : Number(m[i]));
  const delay: HostDelay = { p50Ms: n(1)!, p99Ms: n(2)!, maxMs: n(3)!, samples: n(4)!, loadAverage: n(9)!, cpus: n(10)! };
  if (m[5] !== undefined) delay.maxRunMs = n(5);
  if (m[6] !== undefined) delay.worstStall = { ms: n(6)!, ranMs: n(7)!, waitedMs: n(8)! };
  return delay;
}
