/**
 * Class balancing by random under-sampling, NeuroX's two ways, seeded:
 *  - a binary concept (neurox/data/utils.py, _balance_negative_class, used by annotate): the
 *    negative words are cut to as many as the positive ones, drawn at random; when there are no
 *    more negatives than positives nothing changes;
 *  - any labels (neurox/interpretation/utils.py, balance_binary_class_data and
 *    balance_multi_class_data without num_required_instances, imbalanced-learn's
 *    RandomUnderSampler): every class is cut to the size of the smallest.
 * Rows are never removed (activation rows stay aligned): the result is a keep mask, 1 = use.
 */
import { GrainError } from '../errors';
import { seededRng, shuffleInPlace, type Rng } from '../random';

export interface Balanced {
  /** One byte per row: 1 = kept; 0 = left out by balancing, or unlabelled (y < 0). */
  keep: Uint8Array;
  /** Rows per class before and after. */
  before: number[];
  after: number[];
}

/** NeuroX annotate's balancing: negatives (every class but `positive`) cut to the positive count. */
export function balanceNegatives(y: Int32Array, positive: number, seed: number): Balanced {
  const classes = Math.max(positive + 1, maxLabel(y) + 1);
  const before = countClasses(y, classes);
  const positives = before[positive];
  const negatives = before.reduce((a, b) => a + b, 0) - positives;
  const keep = labelledMask(y);
  if (negatives > positives) {
    const rows: number[] = [];
    for (let r = 0; r < y.length; r++) if (y[r] >= 0 && y[r] !== positive) rows.push(r);
    dropAllBut(rows, positives, keep, seededRng(seed));
  }
  return { keep, before, after: countClasses(y, classes, keep) };
}

/** RandomUnderSampler's balancing (NeuroX's default): every class cut to the smallest class's count. */
export function balanceClasses(y: Int32Array, seed: number): Balanced {
  const classes = maxLabel(y) + 1;
  const before = countClasses(y, classes);
  const present = before.filter((n) => n > 0);
  if (present.length < 2) throw new GrainError(`balancing needs at least two classes; the labels hold ${present.length}`);
  const smallest = Math.min(...present);
  const keep = labelledMask(y);
  const rng = seededRng(seed);
  for (let c = 0; c < classes; c++) {
    if (before[c] === 0) continue;
    const members: number[] = [];
    for (let r = 0; r < y.length; r++) if (y[r] === c) members.push(r);
    dropAllBut(members, smallest, keep, rng);
  }
  return { keep, before, after: countClasses(y, classes, keep) };
}

/** Keeps `count` of `rows`, drawn uniformly at random; clears the others in `keep`. */
function dropAllBut(rows: number[], count: number, keep: Uint8Array, rng: Rng): void {
  shuffleInPlace(rows, rng);
  for (let i = count; i < rows.length; i++) keep[rows[i]] = 0;
}

function labelledMask(y: Int32Array): Uint8Array {
  const keep = new Uint8Array(y.length);
  for (let r = 0; r < y.length; r++) keep[r] = y[r] >= 0 ? 1 : 0;
  return keep;
}

function maxLabel(y: Int32Array): number {
  let m = -1;
  for (let r = 0; r < y.length; r++) if (y[r] > m) m = y[r];
  return m;
}

function countClasses(y: Int32Array, classes: number, keep?: Uint8Array): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let r = 0; r < y.length; r++) if (y[r] >= 0 && (!keep || keep[r])) counts[y[r]]++;
  return counts;
}
