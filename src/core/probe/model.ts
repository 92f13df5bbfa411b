/**
 * A trained probe: multinomial logistic regression over selected neurons, with weights on the
 * activations' own scale (as NeuroX's probe.linear.weight), so rankings by weight mass mean
 * the same whichever trainer produced them.
 */

export interface ProbeModel {
  classes: number;
  /** Neuron id of each weight column. */
  columns: Int32Array;
  /** classes x columns.length, row-major (NeuroX's [classes x neurons] layout). */
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * The weights spread over all `neurons` (zeros outside the probe's columns): the [classes x
 * neurons] matrix the rank functions take.
 */
export function fullWeights(model: ProbeModel, neurons: number): Float32Array {
  const out = new Float32Array(model.classes * neurons);
  const w = model.columns.length;
  for (let c = 0; c < model.classes; c++) {
    for (let j = 0; j < w; j++) out[c * neurons + model.columns[j]] = model.weights[c * w + j];
  }
  return out;
}
