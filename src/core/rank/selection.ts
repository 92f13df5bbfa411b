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

function union(perClass: Int32Array[]): Int32Array {
  const all: number[] = [];
  for (const p of perClass) for (const j of p) all.push(j);
  return sortedUnique(all);
}
