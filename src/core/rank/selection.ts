import { GrainError } from '../errors';
import { checkFraction, checkWeights, massCount, sortedMass, sortedUnique } from './weights';

export interface NeuronSelection {
  /** Union over classes, ascending neuron id. */
  overall: Int32Array;
  /** Per class index, in NeuroX's selection order (largest |weight| first for top neurons). */
  perClass: Int32Array[];
}

/**
 * NeuroX get_top_neurons: per class, the fewest largest-|weight| neurons whose cumulative
 * absolute weight reaches `percentage` of the class's total (the neuron that reaches it is
 * included); overall = union over classes.
 */
export function topNeurons(weights: Float32Array | Float64Array, classes: number, neurons: number, percentage: number): NeuronSelection {
  return byMass(weights, classes, neurons, percentage, true);
}

/** NeuroX get_bottom_neurons: the same from the smallest |weight| upwards. */
export function bottomNeurons(weights: Float32Array | Float64Array, classes: number, neurons: number, percentage: number): NeuronSelection {
  return byMass(weights, classes, neurons, percentage, false);
}

function byMass(
  weights: Float32Array | Float64Array,
  classes: number,
  neurons: number,
  percentage: number,
  descending: boolean,
): NeuronSelection {
  checkWeights(weights, classes, neurons);
  checkFraction(percentage, 'weight-mass percentage');
  const perClass: Int32Array[] = [];
  for (let c = 0; c < classes; c++) {
    const { order, cum } = sortedMass(weights, neurons, c, descending);
    perClass.push(order.slice(0, massCount(cum, percentage)));
  }
  return { overall: union(perClass), perClass };
}

/**
 * NeuroX get_top_neurons_hard_threshold: per class, neurons with |w| > max|w| / fraction
 * (strictly). NeuroX's docstring says "threshold * max_weight", but its code divides by
 * `fraction`; this follows the code. Per-class lists are in ascending neuron id.
 */
export function topNeuronsHardThreshold(
  weights: Float32Array | Float64Array,
  classes: number,
  neurons: number,
  fraction: number,
): NeuronSelection {
  checkWeights(weights, classes, neurons);
  if (!(fraction > 0) || !Number.isFinite(fraction)) throw new GrainError(`hard-threshold fraction must be a positive number, got ${fraction}`);
  const perClass: Int32Array[] = [];
  for (let c = 0; c < classes; c++) {
    let max = 0;
    for (let j = 0; j < neurons; j++) max = Math.max(max, Math.abs(weights[c * neurons + j]));
    const cut = max / fraction;
    const picked: number[] = [];
    for (let j = 0; j < neurons; j++) if (Math.abs(weights[c * neurons + j]) > cut) picked.push(j);
    perClass.push(Int32Array.from(picked));
  }
  return { overall: union(perClass), perClass };
}

function union(perClass: Int32Array[]): Int32Array {
  const all: number[] = [];
  for (const p of perClass) for (const j of p) all.push(j);
  return sortedUnique(all);
}
