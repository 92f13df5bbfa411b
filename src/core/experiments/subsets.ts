/**
 * The paper's ablation tables: the top, random and bottom k% of neurons by the full probe's
 * ranking, either retrained on alone or kept in the full probe with the rest zeroed.
 */
import { seededRng, shuffleInPlace } from '../random';
import { checkPercents, retrainAccuracy, testAccuracy, type FullProbe, type ProbeTask } from './task';
import type { RetrainResult, SubsetRow, ZeroOutResult } from './types';

export interface Subsets {
  percent: number;
  top: Int32Array;
  random: Int32Array;
  bottom: Int32Array;
}

/** Exactly round(k% of neurons) (at least 1) from each end of the ordering, and a seeded random draw. */
export function subsetsFor(ordering: ArrayLike<number>, percent: number, seed: number): Subsets {
  const n = ordering.length;
  const count = Math.max(1, Math.round((n * percent) / 100));
  const all = Int32Array.from(ordering);
  const shuffled = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), seededRng(seed + Math.round(percent * 1000)));
  return {
    percent,
    top: all.slice(0, count),
    bottom: all.slice(n - count),
    random: shuffled.slice(0, count).sort(),
  };
}

async function table(
  full: FullProbe,
  percents: readonly number[],
  seed: number,
  score: (columns: Int32Array) => Promise<number>,
): Promise<SubsetRow[]> {
  checkPercents(percents);
  const rows: SubsetRow[] = [];
  for (const p of percents) {
    const s = subsetsFor(full.result.ordering, p, seed);
    rows.push({ percent: p, count: s.top.length, top: await score(s.top), random: await score(s.random), bottom: await score(s.bottom) });
  }
  return rows;
}

export async function retrainSubsets(task: ProbeTask, full: FullProbe, percents: readonly number[] = [10, 15, 20], seed = 0): Promise<RetrainResult> {
  return { fullAccuracy: full.result.accuracy, rows: await table(full, percents, seed, (cols) => retrainAccuracy(task, cols)) };
}

export async function zeroOutSubsets(task: ProbeTask, full: FullProbe, percents: readonly number[] = [10, 15, 20], seed = 0): Promise<ZeroOutResult> {
  const n = full.result.neurons;
  const score = (keep: Int32Array) => {
    const kept = new Uint8Array(n);
    for (const k of keep) kept[k] = 1;
    const zero: number[] = [];
    for (let j = 0; j < n; j++) if (!kept[j]) zero.push(j);
    return testAccuracy(task, full.model, zero);
  };
  return { fullAccuracy: full.result.accuracy, rows: await table(full, percents, seed, score) };
}
