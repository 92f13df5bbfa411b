/**
 * The cross-entropy gradient of one batch, fused into one runtime call: logits = X W^T + b,
 * log-softmax, G = (P - onehot) / rows, the weight gradient G^T X, the bias gradient (column
 * sums of G), the summed loss and the correct count. Both products run on MLAS and so do the
 * softmax and the reductions; JS only hands over the batch and the weights.
 */
import type { Gemm, GraphRunner } from '../linalg/gemm';
import { GraphBuilder } from '../linalg/tiny-onnx';
import { ort } from '../runtime/ort';

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

/**
 * Appends to `g` the scores X W^T + offset, the summed loss and the hits (graph outputs LOSS
 * and CORRECT) and, given `scale` (1 / rows), the gradient G = (softmax - onehot) * scale with
 * the weight gradient G^T X and the bias gradient colsum(G).
 */
export function addCrossEntropy(g: GraphBuilder, x: string, w: string, offset: string, y: string, scale?: string): { gw: string; gb: string } | undefined {
  const op = g.op.bind(g);
  const z = op('Gemm', [x, w, offset], { ints: { transB: 1 } });
  const logp = op('LogSoftmax', [z], { ints: { axis: 1 } });
  const label = op('Unsqueeze', [op('Cast', [y], { ints: { to: 7 } }), g.constant([1], 'int64')]);
  const logpLabel = op('GatherElements', [logp, label], { ints: { axis: 1 } });
  op('Neg', [op('ReduceSum', [logpLabel], { ints: { keepdims: 0 } })], { out: g.output('LOSS', []) });
  // A row is right when its label's score is the largest (a tie counts as right).
  const top = op('ReduceMax', [logp], { ints: { keepdims: 1 }, intLists: { axes: [1] } });
  const hit = op('Cast', [op('Equal', [logpLabel, top])], { ints: { to: 1 } });
  op('ReduceSum', [hit], { ints: { keepdims: 0 }, out: g.output('CORRECT', []) });
  if (!scale) return undefined;
  // softmax - onehot: the probabilities with 1 taken off at each row's label.
  const prob = op('Exp', [logp]);
  const atLabel = op('Sub', [op('GatherElements', [prob, label], { ints: { axis: 1 } }), g.constant(1)]);
  const grad = op('Mul', [op('ScatterElements', [prob, label, atLabel], { ints: { axis: 1 } }), scale]);
  return {
    gw: op('Gemm', [grad, x], { ints: { transA: 1 } }),
    gb: op('ReduceSum', [grad, g.constant([0], 'int64')], { ints: { keepdims: 0 } }),
  };
}

function graph(withGradient: boolean): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('X', ['rows', 'width']);
  const w = g.input('W', ['classes', 'width']);
  const b = g.input('B', ['classes']);
  const y = g.input('Y', ['rows'], 'int32');
  const grad = addCrossEntropy(g, x, w, b, y, withGradient ? g.input('S', []) : undefined);
  if (grad) {
    g.op('Identity', [grad.gw], { out: g.output('GW', ['classes', 'width']) });
    g.op('Identity', [grad.gb], { out: g.output('GB', ['classes']) });
  }
  return g.encode(13);
}

/** Batches below this many multiply-adds per product run single-threaded (see gemm.ts). */
const PARALLEL_PRODUCT = 2 ** 24;

function runner(gemm: Gemm, withGradient: boolean, size: number): Promise<GraphRunner> {
  return gemm.graph(withGradient ? 'probe-step' : 'probe-eval', () => graph(withGradient), { serial: size < PARALLEL_PRODUCT });
}

function feeds(x: Float32Array, y: Int32Array, rows: number, width: number, weights: Float32Array, offset: Float32Array, classes: number): Record<string, ort.Tensor> {
  return {
    X: new ort.Tensor('float32', x, [rows, width]),
    W: new ort.Tensor('float32', weights, [classes, width]),
    B: new ort.Tensor('float32', offset, [classes]),
    Y: new ort.Tensor('int32', y, [rows]),
  };
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
  const run = await runner(gemm, true, rows * width * classes);
  const out = await run({ ...feeds(x, y, rows, width, weights, offset, classes), S: new ort.Tensor('float32', Float32Array.of(1 / rows), []) });
  return {
    loss: (out.LOSS.data as Float32Array)[0],
    correct: (out.CORRECT.data as Float32Array)[0],
    gradW: out.GW.data as Float32Array,
    gradBias: out.GB.data as Float32Array,
    flops: 4 * rows * width * classes,
  };
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
  const run = await runner(gemm, false, rows * width * classes);
  const out = await run(feeds(x, y, rows, width, weights, offset, classes));
  return { loss: (out.LOSS.data as Float32Array)[0], correct: (out.CORRECT.data as Float32Array)[0], flops: 2 * rows * width * classes };
}
