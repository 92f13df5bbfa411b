import { GrainError } from '../errors';
import { checkWeights, massCount, sortedMass } from './weights';

export interface NeuronOrdering {
  /** Neurons, most important first: NeuroX's chunks in order, each ordered as `within` says. */
  ordering: Int32Array;
  /** ordering.length after each chunk. */
  cutoffs: Int32Array;
}

/**
 * How neurons are ordered inside one of NeuroX's chunks (where NeuroX calls the order
 * arbitrary). `mass`: by the share of a class's weight mass at which the neuron enters that
 * class's top neurons (the mass of the class's larger weights before it, over the class's total;
 * the smallest over classes), so the first neuron of a chunk is the one the finest mass step would
 * have taken first; ties by larger share of its own, then ascending id. `neurox`: ascending id,
 * the sequence of NeuroX's own rankings of small layers (see the README).
 */
export type WithinChunk = 'mass' | 'neurox';

/**
 * NeuroX get_neuron_ordering: top neurons at weight-mass shares 0, 1/stride, ..., 1; each step
 * appends the neurons it adds to those already taken, and records a cutoff (one per step, even
 * when a step adds nothing, so there are stride + 1 cutoffs). Share 1 takes every neuron, so
 * the ordering holds all of them.
 */
export function neuronOrdering(
  weights: Float32Array | Float64Array,
  classes: number,
  neurons: number,
  searchStride = 100,
  within: WithinChunk = 'mass',
): NeuronOrdering {
  const steps = stepAdditions(weights, classes, neurons, searchStride);
  const key = within === 'mass' ? entryShares(weights, classes, neurons) : undefined;
  const ordering: number[] = [];
  const cutoffs = new Int32Array(steps.length);
  steps.forEach((added, i) => {
    const chunk = Array.from(added);
    if (key) chunk.sort((a, b) => key.entry[a] - key.entry[b] || key.own[b] - key.own[a] || a - b);
    for (const j of chunk) ordering.push(j);
    cutoffs[i] = ordering.length;
  });
  return { ordering: Int32Array.from(ordering), cutoffs };
}

/**
 * Per neuron: `entry`, the smallest over classes of the share of the class's weight mass held by
 * the class's larger weights (the share at which the class's selection reaches it: 0 for each
 * class's largest); `own`, its largest share of a class's mass. The same |weight| mass, sorted
 * the same way (sortedMass), as the chunks.
 */
function entryShares(weights: Float32Array | Float64Array, classes: number, neurons: number): { entry: Float64Array; own: Float64Array } {
  const entry = new Float64Array(neurons).fill(Infinity);
  const own = new Float64Array(neurons);
  for (let c = 0; c < classes; c++) {
    const { order, cum } = sortedMass(weights, neurons, c, true);
    const total = cum[neurons - 1];
    for (let k = 0; k < neurons; k++) {
      const j = order[k];
      const before = k === 0 ? 0 : cum[k - 1];
      const e = total > 0 ? before / total : k === 0 ? 0 : 1;
      if (e < entry[j]) entry[j] = e;
      const share = total > 0 ? (cum[k] - before) / total : 0;
      if (share > own[j]) own[j] = share;
    }
  }
  return { entry, own };
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
