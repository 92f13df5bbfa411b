/**
 * Probeless ranking (Antverg & Belinkov, ICLR 2022; NeuroX's interpretation/probeless.py): no
 * classifier, only class means. A neuron's score for the whole task is the sum over all pairs of
 * classes of |mean_a - mean_b|; its score for class c is the sum over the other classes of
 * |mean_c - mean_other|. Classes without training rows take no part.
 */
import { GrainError } from '../errors';
import type { ProbeData } from '../probe/data';
import { classMoments, orderByScore } from './labelled-rows';

export interface ScoredRanking {
  /** Column indices of the data (not neuron ids), most important first. */
  ordering: Int32Array;
  /** Per column: the score the ordering sorts by. */
  scores: Float64Array;
  /** Per class index: columns by that class's score, best first; null for a class with no rows (or no scores). */
  perClass: (Int32Array | null)[];
  /** [classes x width] per-class scores (NaN for classes left out). */
  perClassScores: Float64Array;
}

export async function probelessRanking(data: ProbeData, signal?: AbortSignal): Promise<ScoredRanking> {
  const { width: W, classes: C } = data;
  const m = await classMoments(data, signal);
  const present: number[] = [];
  for (let c = 0; c < C; c++) if (m.count[c] > 0) present.push(c);
  if (present.length < 2) throw new GrainError(`probeless ranking compares class means; the training rows hold ${present.length} class`);
  // Per-class sums first (NeuroX's get_neuron_ordering_for_all_tags); the pairwise total is half their sum.
  const perClassScores = new Float64Array(C * W).fill(NaN);
  const scores = new Float64Array(W);
  for (const c of present) {
    const row = perClassScores.subarray(c * W, (c + 1) * W);
    row.fill(0);
    for (const o of present) {
      if (o === c) continue;
      for (let j = 0; j < W; j++) row[j] += Math.abs(m.mean[c * W + j] - m.mean[o * W + j]);
    }
  }
  for (let a = 0; a < present.length; a++) {
    for (let b = a + 1; b < present.length; b++) {
      const ca = present[a] * W;
      const cb = present[b] * W;
      for (let j = 0; j < W; j++) scores[j] += Math.abs(m.mean[ca + j] - m.mean[cb + j]);
    }
  }
  const perClass = Array.from({ length: C }, (_, c) => (m.count[c] > 0 ? orderByScore(perClassScores.subarray(c * W, (c + 1) * W)) : null));
  return { ordering: orderByScore(scores), scores, perClass, perClassScores };
}
