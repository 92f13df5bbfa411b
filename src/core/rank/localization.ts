import { checkFraction, checkWeights, massCount, sortedMass } from './weights';

export interface Localization {
  shares: Float64Array;
  /** [classes x shares]: how many top neurons hold each share of the class's weight mass. */
  counts: Int32Array;
  /** counts / neurons. */
  fractions: Float64Array;
  /**
   * Per class, (sum |w|)^2 / sum w^2: the number of equally weighted neurons that would give the
   * same spread; about 1 for one dominant neuron, `neurons` for a flat row.
   */
  effectiveNeurons: Float64Array;
}

/**
 * Localised vs distributed: per class, how few neurons hold a given share of its weight mass
 * (with NeuroX's top-neuron rule, so counts match topNeurons at the same share).
 */
export function localization(
  weights: Float32Array | Float64Array,
  classes: number,
  neurons: number,
  shares: readonly number[] = [0.5, 0.9, 0.99],
): Localization {
  checkWeights(weights, classes, neurons);
  for (const s of shares) checkFraction(s, 'share');
  const counts = new Int32Array(classes * shares.length);
  const effectiveNeurons = new Float64Array(classes);
  for (let c = 0; c < classes; c++) {
    const { cum } = sortedMass(weights, neurons, c, true);
    shares.forEach((s, k) => (counts[c * shares.length + k] = massCount(cum, s)));
    let l1 = 0;
    let l2 = 0;
    for (let j = 0; j < neurons; j++) {
      const w = weights[c * neurons + j];
      l1 += Math.abs(w);
      l2 += w * w;
    }
    effectiveNeurons[c] = l2 > 0 ? (l1 * l1) / l2 : 0;
  }
  const fractions = Float64Array.from(counts, (n) => n / neurons);
  return { shares: Float64Array.from(shares), counts, fractions, effectiveNeurons };
}
