/**
 * Minimal neuron subset: the fewest top-ranked neurons whose retrained probe comes within
 * `tolerance` of the full probe's accuracy. Accuracy is not monotone in the prefix size, so
 * the search walks the ordering in coarse steps to the first size that qualifies, then
 * bisects between it and the last size that did not (a refinement, not a proof of minimality).
 */
import { GrainError } from '../errors';
import { retrainAccuracy, type FullProbe, type ProbeTask } from './task';
import type { MinimalSubsetResult, ProbeScore } from './types';

export interface MinimalSubsetOptions {
  /** Accuracy may fall short of the full probe's by this much (absolute, default 0.01). */
  tolerance?: number;
  /** Coarse step as a fraction of all neurons (default 0.05). */
  step?: number;
}

export async function minimalSubset(task: ProbeTask, full: FullProbe, opts: MinimalSubsetOptions = {}): Promise<MinimalSubsetResult> {
  const tolerance = opts.tolerance ?? 0.01;
  const step = opts.step ?? 0.05;
  if (!(tolerance >= 0 && tolerance < 1)) throw new GrainError(`tolerance must be in [0, 1), got ${tolerance}`);
  if (!(step > 0 && step <= 1)) throw new GrainError(`step must be in (0, 1], got ${step}`);
  const ordering = full.result.ordering;
  const n = ordering.length;
  const target = full.result.accuracy - tolerance;
  const trials: ProbeScore[] = [];
  const tried = new Map<number, number>();
  const score = async (count: number) => {
    let acc = tried.get(count);
    if (acc === undefined) {
      acc = await retrainAccuracy(task, ordering.slice(0, count));
      tried.set(count, acc);
      trials.push({ neurons: count, accuracy: acc });
    }
    return acc;
  };
  const stride = Math.max(1, Math.round(n * step));
  let fail = 0;
  let pass = n;
  for (let count = stride; count < n; count += stride) {
    if ((await score(count)) >= target) {
      pass = count;
      break;
    }
    fail = count;
  }
  while (pass - fail > 1) {
    const mid = (fail + pass) >> 1;
    if ((await score(mid)) >= target) pass = mid;
    else fail = mid;
  }
  const accuracy = pass === n ? full.result.accuracy : (tried.get(pass) as number);
  return { target, tolerance, fullAccuracy: full.result.accuracy, count: pass, accuracy, neurons: ordering.slice(0, pass), trials };
}
