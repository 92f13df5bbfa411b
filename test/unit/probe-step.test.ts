import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGemm, type Gemm } from '../../src/core/linalg/gemm';
import { seededRng } from '../../src/core/random';
import { crossEntropyEval, crossEntropyStep } from '../../src/core/probe/step';
import { proxAdamStep } from '../../src/core/probe/prox-adam-step';
import { adamState, BETA1, BETA2, EPS } from '../../src/core/probe/adam';

let gemm: Gemm;
before(async () => {
  gemm = await createGemm();
});
after(() => gemm.dispose());

const rows = 37;
const width = 11;
const classes = 5;
const rng = seededRng(3);
const uniform = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
const x = uniform(rows * width, -2, 2);
const y = Int32Array.from({ length: rows }, (_, r) => (r * 7) % classes);

/** Float64 softmax cross-entropy of logits X W^T + offset: summed loss, hits, G^T X and colsum(G), G = (P - onehot) / rows. */
function reference(w: ArrayLike<number>, offset: ArrayLike<number>) {
  let loss = 0;
  let correct = 0;
  const gw = new Float64Array(classes * width);
  const gb = new Float64Array(classes);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: classes }, (_, c) => {
      let s = offset[c];
      for (let j = 0; j < width; j++) s += w[c * width + j] * x[r * width + j];
      return s;
    });
    const max = Math.max(...z);
    const lse = max + Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0));
    loss += lse - z[y[r]];
    if (z[y[r]] === max) correct++;
    for (let c = 0; c < classes; c++) {
      const g = (Math.exp(z[c] - lse) - (c === y[r] ? 1 : 0)) / rows;
      gb[c] += g;
      for (let j = 0; j < width; j++) gw[c * width + j] += g * x[r * width + j];
    }
  }
  return { loss, correct, gw, gb };
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

test('the fused cross-entropy step gives the float64 loss, hits and gradients', async () => {
  const w = uniform(classes * width, -0.5, 0.5);
  const offset = uniform(classes, -1, 1);
  const want = reference(w, offset);
  const step = await crossEntropyStep(gemm, x, y, rows, width, w, offset, classes);
  assert.ok(Math.abs(step.loss - want.loss) < 1e-4 * want.loss, `loss ${step.loss} vs ${want.loss}`);
  assert.equal(step.correct, want.correct);
  assertClose(step.gradW, want.gw, 'gradW');
  assertClose(step.gradBias, want.gb, 'gradBias');
  const ev = await crossEntropyEval(gemm, x, y, rows, width, w, offset, classes);
  assert.ok(Math.abs(ev.loss - want.loss) < 1e-4 * want.loss);
  assert.equal(ev.correct, want.correct);
});

test('one fused proximal Adam step of the default trainer matches its formulas in float64', async () => {
  const invSigma = uniform(width, 0.5, 2);
  invSigma[4] = 0; // a constant column: its weights stay 0
  const mean = uniform(width, -1, 1);
  const l1 = Float32Array.from(invSigma, (s) => (s > 0 ? 0.01 * s : Infinity));
  const v = uniform(classes * width, -0.3, 0.3);
  for (let c = 0; c < classes; c++) v[c * width + 4] = 0;
  const b = uniform(classes, -1, 1);
  const sV = adamState(classes * width);
  const sB = adamState(classes);
  sV.m.set(uniform(classes * width, -0.01, 0.01));
  sV.v.set(uniform(classes * width, 0, 1e-4));
  sB.m.set(uniform(classes, -0.01, 0.01));
  sB.v.set(uniform(classes, 0, 1e-4));
  sV.t = sB.t = 2;
  const lr = 0.01;
  const l2 = 0.002;
  const before = { v: Float64Array.from(v), b: Float64Array.from(b), m: Float64Array.from(sV.m), s: Float64Array.from(sV.v), mb: Float64Array.from(sB.m), sb: Float64Array.from(sB.v) };

  // The reference: fold, gradient, chain rule, Adam, soft threshold.
  const w = Float64Array.from(before.v, (vi, i) => vi * invSigma[i % width]);
  const offset = Float64Array.from(before.b, (bc, c) => {
    let o = bc;
    for (let j = 0; j < width; j++) o -= w[c * width + j] * mean[j];
    return o;
  });
  const g = reference(w, offset);
  const norm = Math.sqrt(w.reduce((a, wi) => a + wi * wi, 0));
  const t = 3;
  const bc1 = 1 / (1 - BETA1 ** t);
  const bc2 = 1 / Math.sqrt(1 - BETA2 ** t);
  const wantV = new Float64Array(classes * width);
  const wantM = new Float64Array(classes * width);
  const wantS = new Float64Array(classes * width);
  for (let c = 0; c < classes; c++) {
    for (let j = 0; j < width; j++) {
      const i = c * width + j;
      const dv = (g.gw[i] - g.gb[c] * mean[j] + (l2 / norm) * w[i]) * invSigma[j];
      wantM[i] = BETA1 * before.m[i] + (1 - BETA1) * dv;
      wantS[i] = BETA2 * before.s[i] + (1 - BETA2) * dv * dv;
      const step = lr / (Math.sqrt(wantS[i]) * bc2 + EPS);
      const p = before.v[i] - step * wantM[i] * bc1;
      const thr = step * l1[j];
      wantV[i] = p > thr ? p - thr : p < -thr ? p + thr : 0;
    }
  }
  const wantB = Float64Array.from(before.b, (bc, c) => {
    const mb = BETA1 * before.mb[c] + (1 - BETA1) * g.gb[c];
    const sb = BETA2 * before.sb[c] + (1 - BETA2) * g.gb[c] ** 2;
    return bc - (lr * bc1 * mb) / (Math.sqrt(sb) * bc2 + EPS);
  });

  const run = await proxAdamStep(gemm, rows, width, classes, { invSigma, mean, l1PerCol: l1 });
  const params = { v, b, sV, sB };
  const r = await run({ x, y, rows }, params, lr, l2);
  assert.equal(sV.t, 3);
  assert.ok(Math.abs(r.loss - g.loss) < 1e-4 * g.loss, `loss ${r.loss} vs ${g.loss}`);
  assert.equal(r.correct, g.correct);
  assertClose(params.sV.m, wantM, 'm');
  assertClose(params.sV.v, wantS, 's', 1e-3);
  assertClose(params.v, wantV, 'V');
  assertClose(params.b, wantB, 'b');
  for (let c = 0; c < classes; c++) assert.equal(params.v[c * width + 4], 0, 'a constant column keeps V = 0');
});
