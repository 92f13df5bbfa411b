/**
 * The cross-entropy gradient of one batch through two matrix products:
 * logits = X W^T (abt), gradient G^T X (atb), both on the Gemm kernels.
 */
import type { Gemm } from '../linalg/gemm';
import { softmaxCrossEntropyGrad } from './softmax';

export interface StepResult {
  /** Summed cross-entropy over the batch's rows. */
  loss: number;
  correct: number;
  /** G^T X [classes x width], G = (P - onehot) / rows. */
  gradW: Float32Array;
  /** Column sums of G: the bias gradient. */
  gradBias: Float32Array;
  flops: number;
}

export async function crossEntropyStep(
  gemm: Gemm,
  x: Float32Array,
  y: Int32Array,
  rows: number,
  width: number,
  weights: Float32Array,
  offset: Float32Array,
  classes: number,
): Promise<StepResult> {
  const g = await gemm.abt(x, weights, rows, width, classes);
  const { loss, correct } = softmaxCrossEntropyGrad(g, y, rows, classes, offset, 1 / rows);
  const gradBias = new Float32Array(classes);
  for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) gradBias[c] += g[r * classes + c];
  const gradW = await gemm.atb(g, x, rows, classes, width);
  return { loss, correct, gradW, gradBias, flops: 4 * rows * width * classes };
}

/** Summed loss and correct count of a batch, without gradients. */
export async function crossEntropyEval(
  gemm: Gemm,
  x: Float32Array,
  y: Int32Array,
  rows: number,
  width: number,
  weights: Float32Array,
  offset: Float32Array,
  classes: number,
): Promise<{ loss: number; correct: number; flops: number }> {
  const g = await gemm.abt(x, weights, rows, width, classes);
  const { loss, correct } = softmaxCrossEntropyGrad(g, y, rows, classes, offset, 0);
  return { loss, correct, flops: 2 * rows * width * classes };
}
