import { GrainError } from '../errors';
import { checkWeights, massCount, sortedMass } from './weights';

export interface NeuronOrdering {
  /**
   * Neurons, most important first. Within a chunk (between cutoffs), where NeuroX's order is
   * arbitrary: by the mass step that added them, then ascending id.
   */
  ordering: Int32Array;
  /** ordering.length after each chunk. */
  cutoffs: Int32Array;
}

/**
 * NeuroX get_neuron_ordering: top neurons at weight-mass shares 0, 1/stride, ..., 1; each step
 * appends the neurons it adds to those already taken, and records a cutoff (one per step, even
 * when a step adds nothing, so there are stride + 1 cutoffs). Share 1 takes every neuron, so
 * the ordering holds all of them.
 */
export function neuronOrdering(weights: Float32Array | Float64Array, classes: number, neurons: number, searchStride = 100): NeuronOrdering {
  const steps = stepAdditions(weights, classes, neurons, searchStride);
  const ordering: number[] = [];
  const cutoffs = new Int32Array(steps.length);
  steps.forEach((added, i) => {
    for (const j of added) ordering.push(j);
    cutoffs[i] = ordering.length;
  });
  return { ordering: Int32Array.from(ordering), cutoffs };
}

/**
 * The neurons each step p = 0..stride newly adds to the union of per-class top neurons at
 * share p / stride (ascending id). The sets only grow with p, so each class's selection is a
 * prefix of its sorted order, advanced step by step.
 */
function stepAdditions(weights: Float32Array | Float64Array, classes: number, neurons: number, searchStride: number): Int32Array[] {
  checkWeights(weights, classes, neurons);
  if (!Number.isInteger(searchStride) || searchStride < 1) throw new GrainError(`search stride must be a positive integer, got ${searchStride}`);
  const sorted = Array.from({ length: classes }, (_, c) => sortedMass(weights, neurons, c, true));
  const reached = new Int32Array(classes);
  const taken = new Uint8Array(neurons);
  const steps: Int32Array[] = [];
  for (let p = 0; p <= searchStride; p++) {
    const share = p / searchStride;
    const added: number[] = [];
    for (let c = 0; c < classes; c++) {
      const { order, cum } = sorted[c];
      const count = massCount(cum, share);
      for (let k = reached[c]; k < count; k++) {
        const j = order[k];
        if (!taken[j]) {
          taken[j] = 1;
          added.push(j);
        }
      }
      reached[c] = Math.max(reached[c], count);
    }
    steps.push(Int32Array.from(added).sort());
  }
  return steps;
}
