/**
 * A trained probe: multinomial logistic regression over selected neurons, with weights on the
 * activations' own scale (as NeuroX's probe.linear.weight), so rankings by weight mass mean
 * the same whichever trainer produced them.
 */
import type { Gemm } from '../linalg/gemm';

export interface ProbeModel {
  classes: number;
  /** Neuron id of each weight column. */
  columns: Int32Array;
  /** classes x columns.length, row-major (NeuroX's [classes x neurons] layout). */
  weights: Float32Array;
  bias: Float32Array;
}

/** Logits [rows x classes] of a batch x [rows x width] without the bias. */
export function batchLogits(gemm: Gemm, x: Float32Array, rows: number, width: number, weights: Float32Array, classes: number): Promise<Float32Array> {
  return gemm.abt(x, weights, rows, width, classes);
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
