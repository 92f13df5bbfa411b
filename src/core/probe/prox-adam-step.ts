/**
 * One step of the default trainer as a single runtime call: fold the standardisation into the
 * weights, the batch's cross-entropy gradient (both products on MLAS), its chain rule back to
 * standardised coordinates plus the L2 norm's gradient, then Adam with the proximal L1 step.
 * Done in JS, the element-wise part (five passes over classes x width values) cost as much as
 * the products; in the graph it is vectorised and the products stay near the machine's peak.
 *
 * With V the weights in standardised coordinates, sigma and mu the columns' std and mean:
 *   W = V / sigma, offset = b - W mu, logits = X W^T + offset, G = (softmax - onehot) / rows
 *   dV = (G^T X - colsum(G) mu^T + l2 W / ||W||) / sigma          (chain rule through the fold)
 *   m = b1 m + (1 - b1) dV,  s = b2 s + (1 - b2) dV^2,  step = lr / (sqrt(s) / sqrt(1 - b2^t) + eps)
 *   V = softThreshold(V - step m / (1 - b1^t), step l1 / sigma)     (proximal L1 at Adam's own step)
 *   the bias: plain Adam on colsum(G).
 * 1/sigma is 0 on constant columns (their V stays 0) and l1 / sigma is +Infinity there.
 */
import type { Gemm, GraphRunner } from '../linalg/gemm';
import { GraphBuilder } from '../linalg/tiny-onnx';
import { ort } from '../runtime/ort';
import { BETA1, BETA2, EPS, type AdamState } from './adam';
import { addCrossEntropy } from './step';

function buildGraph(): Uint8Array {
  const g = new GraphBuilder();
  const C = ['classes', 'width'];
  const x = g.input('X', ['rows', 'width']);
  const y = g.input('Y', ['rows'], 'int32');
  const v = g.input('V', C);
  const m = g.input('M', C);
  const s = g.input('S', C);
  const b = g.input('B', ['classes']);
  const mb = g.input('MB', ['classes']);
  const sb = g.input('SB', ['classes']);
  const invSigma = g.input('INV_SIGMA', ['width']);
  const mean = g.input('MEAN', ['width']);
  const l1 = g.input('L1', ['width']);
  const lr = g.input('LR', []);
  const bc1 = g.input('BC1', []);
  const bc2 = g.input('BC2', []);
  const l2 = g.input('L2', []);
  const scale = g.input('SCALE', []);
  const op = g.op.bind(g);
  const axis1 = g.constant([1], 'int64');

  // Fold the standardisation into the weights and the bias (W mu as a one-column product).
  const w = op('Mul', [v, invSigma]);
  const wmu = op('Gemm', [w, op('Unsqueeze', [mean, axis1])]);
  const offset = op('Sub', [b, op('Squeeze', [wmu, axis1])]);
  // Scores, the summed loss and the hits, and the gradients.
  const { gw, gb } = addCrossEntropy(g, x, w, offset, y, scale)!;
  // Back to standardised coordinates, with the L2 norm's gradient l2 W / ||W|| (0 at W = 0).
  const norm = op('Sqrt', [op('ReduceSumSquare', [w], { ints: { keepdims: 0 } })]);
  const l2w = op('Mul', [op('Div', [l2, op('Max', [norm, g.constant(1e-30)])]), w]);
  const gmu = op('Mul', [op('Unsqueeze', [gb, axis1]), mean]);
  const dv = op('Mul', [op('Add', [op('Sub', [gw, gmu]), l2w]), invSigma]);
  // Adam moments, then the proximal L1 step at each coordinate's own step size.
  const b1 = g.constant(BETA1);
  const b1c = g.constant(1 - BETA1);
  const b2 = g.constant(BETA2);
  const b2c = g.constant(1 - BETA2);
  const eps = g.constant(EPS);
  const m2 = op('Add', [op('Mul', [b1, m]), op('Mul', [b1c, dv])], { out: g.output('M_OUT', C) });
  const s2 = op('Add', [op('Mul', [b2, s]), op('Mul', [b2c, op('Mul', [dv, dv])])], { out: g.output('S_OUT', C) });
  const step = op('Div', [lr, op('Add', [op('Mul', [op('Sqrt', [s2]), bc2]), eps])]);
  const p = op('Sub', [v, op('Mul', [op('Mul', [step, m2]), bc1])]);
  // softThreshold(p, t) = p - clamp(p, -t, t)
  const t = op('Mul', [step, l1]);
  op('Sub', [p, op('Min', [op('Max', [p, op('Neg', [t])]), t])], { out: g.output('V_OUT', C) });
  // The bias: Adam without a penalty.
  const mb2 = op('Add', [op('Mul', [b1, mb]), op('Mul', [b1c, gb])], { out: g.output('MB_OUT', ['classes']) });
  const sb2 = op('Add', [op('Mul', [b2, sb]), op('Mul', [b2c, op('Mul', [gb, gb])])], { out: g.output('SB_OUT', ['classes']) });
  const bstep = op('Div', [op('Mul', [lr, bc1]), op('Add', [op('Mul', [op('Sqrt', [sb2]), bc2]), eps])]);
  op('Sub', [b, op('Mul', [bstep, mb2])], { out: g.output('B_OUT', ['classes']) });
  return g.encode(13);
}

/** The trainer's parameters and Adam state; a step replaces the arrays with new ones. */
export interface ProxAdamParams {
  v: Float32Array;
  b: Float32Array;
  sV: AdamState;
  sB: AdamState;
}

/** Per-column constants of the standardisation and the L1 threshold (float32 copies). */
export interface ColumnConstants {
  invSigma: Float32Array;
  mean: Float32Array;
  l1PerCol: Float32Array;
}

export interface ProxAdamStep {
  (batch: { x: Float32Array; y: Int32Array; rows: number }, p: ProxAdamParams, lr: number, l2: number): Promise<{ loss: number; correct: number; flops: number }>;
}

/** Steps of at most this many multiply-adds per product run single-threaded (see gemm.ts). */
const PARALLEL_PRODUCT = 2 ** 24;

export async function proxAdamStep(gemm: Gemm, batchRows: number, width: number, classes: number, cols: ColumnConstants): Promise<ProxAdamStep> {
  const run: GraphRunner = await gemm.graph('probe-prox-adam', buildGraph, { serial: batchRows * width * classes < PARALLEL_PRODUCT });
  const shape = [classes, width];
  const fixed = {
    INV_SIGMA: new ort.Tensor('float32', cols.invSigma, [width]),
    MEAN: new ort.Tensor('float32', cols.mean, [width]),
    L1: new ort.Tensor('float32', cols.l1PerCol, [width]),
  };
  const scalar = (v: number) => new ort.Tensor('float32', Float32Array.of(v), []);
  return async (batch, p, lr, l2) => {
    p.sV.t++;
    p.sB.t++;
    const t = p.sV.t;
    const out = await run({
      ...fixed,
      X: new ort.Tensor('float32', batch.x, [batch.rows, width]),
      Y: new ort.Tensor('int32', batch.y, [batch.rows]),
      V: new ort.Tensor('float32', p.v, shape),
      M: new ort.Tensor('float32', p.sV.m, shape),
      S: new ort.Tensor('float32', p.sV.v, shape),
      B: new ort.Tensor('float32', p.b, [classes]),
      MB: new ort.Tensor('float32', p.sB.m, [classes]),
      SB: new ort.Tensor('float32', p.sB.v, [classes]),
      LR: scalar(lr),
      BC1: scalar(1 / (1 - BETA1 ** t)),
      BC2: scalar(1 / Math.sqrt(1 - BETA2 ** t)),
      L2: scalar(l2),
      SCALE: scalar(1 / batch.rows),
    });
    p.v = out.V_OUT.data as Float32Array;
    p.b = out.B_OUT.data as Float32Array;
    p.sV.m = out.M_OUT.data as Float32Array;
    p.sV.v = out.S_OUT.data as Float32Array;
    p.sB.m = out.MB_OUT.data as Float32Array;
    p.sB.v = out.SB_OUT.data as Float32Array;
    return { loss: (out.LOSS.data as Float32Array)[0], correct: (out.CORRECT.data as Float32Array)[0], flops: 4 * batch.rows * width * classes };
  };
}
