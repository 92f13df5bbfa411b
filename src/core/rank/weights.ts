import { GrainError } from '../errors';

/**
 * Probe weights as NeuroX keeps them: [classes x neurons] row-major, class c and neuron j at
 * c * neurons + j. All rankings use absolute values; the sign only says which way a neuron votes.
 */
export function checkWeights(weights: Float32Array | Float64Array, classes: number, neurons: number): void {
  if (!Number.isInteger(classes) || classes < 1) throw new GrainError(`class count must be a positive integer, got ${classes}`);
  if (!Number.isInteger(neurons) || neurons < 1) throw new GrainError(`neuron count must be a positive integer, got ${neurons}`);
  if (weights.length !== classes * neurons) {
    throw new GrainError(`weight matrix has ${weights.length} values, expected ${classes} classes x ${neurons} neurons = ${classes * neurons}`);
  }
  for (let i = 0; i < weights.length; i++) {
    if (!Number.isFinite(weights[i])) {
      throw new GrainError(`weight of class ${Math.floor(i / neurons)}, neuron ${i % neurons} is ${weights[i]}; the probe did not train properly`);
    }
  }
}

export function checkFraction(value: number, what: string): void {
  if (!(value >= 0 && value <= 1)) throw new GrainError(`${what} must be between 0 and 1, got ${value}`);
}

/** One class's neurons sorted by absolute weight, with the running sum of that weight. */
export interface SortedMass {
  order: Int32Array;
  /** cum[k] = sum of |w| over order[0..k], in float64. */
  cum: Float64Array;
}

/**
 * Sorted as numpy's argsort (ascending, ties by index) — reversed for `descending`, as NeuroX
 * does with argsort(...)[::-1], so among equal weights the higher neuron index comes first.
 */
export function sortedMass(weights: Float32Array | Float64Array, neurons: number, cls: number, descending: boolean): SortedMass {
  const row = weights.subarray(cls * neurons, (cls + 1) * neurons);
  const abs = new Float64Array(neurons);
  for (let j = 0; j < neurons; j++) abs[j] = Math.abs(row[j]);
  const order = new Int32Array(neurons);
  for (let j = 0; j < neurons; j++) order[j] = j;
  order.sort((a, b) => abs[a] - abs[b] || a - b);
  if (descending) order.reverse();
  const cum = new Float64Array(neurons);
  let acc = 0;
  for (let k = 0; k < neurons; k++) cum[k] = acc += abs[order[k]];
  return { order, cum };
}

/**
 * How many of the sorted neurons NeuroX selects for a share of the mass: up to and including
 * the first whose running sum reaches total * share (share 0 selects one neuron). Share 1 is
 * all neurons, as NeuroX documents it ("the entire weight mass, i.e. all neurons"): its float32
 * arithmetic only reaches that by rounding, which exact sums would not, and zero-weight neurons
 * would then be missing from the orderings.
 */
export function massCount(cum: Float64Array, share: number): number {
  if (share >= 1) return cum.length;
  const threshold = cum[cum.length - 1] * share;
  let lo = 0;
  let hi = cum.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] >= threshold) hi = mid;
    else lo = mid + 1;
  }
  return lo === cum.length ? cum.length : lo + 1;
}

export function sortedUnique(ids: Iterable<number>): Int32Array {
  return Int32Array.from(new Set(ids)).sort();
}
