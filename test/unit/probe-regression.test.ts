// Regression probes (NeuroX's train_linear_regression_probe and evaluate_probe for real values):
// NeuroX's test cases (tests/interpretation/test_linear_probe.py: TestTrainProbe regression,
// TestEvaluateProbe regression) and planted targets whose weights are known.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGemm, type Gemm } from '../../src/core/linalg/gemm';
import { arraySource } from '../../src/core/probe/data';
import { pearson, regressionMetrics } from '../../src/core/probe/metrics';
import { predictValues, trainRegressionProbe } from '../../src/core/probe/regression';
import { neuronOrdering } from '../../src/core/rank';
import { rankingWeights } from '../../src/core/experiments/task';
import { fullWeights } from '../../src/core/probe/model';
import { seededRng } from '../../src/core/random';
import { GrainError } from '../../src/core/errors';

let gemm: Gemm;
before(async () => {
  gemm = await createGemm();
});
after(async () => {
  await gemm.dispose();
});

/** t = 3 x2 - 2 x5 + 0.5 + noise; columns with different offsets and scales. */
function planted(rows: number, neurons: number, seed: number, noise = 0.05) {
  const rng = seededRng(seed);
  const x = new Float32Array(rows * neurons);
  const t = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < neurons; j++) x[r * neurons + j] = (rng() * 2 - 1) * (1 + (j % 4)) + ((j % 3) - 1);
    t[r] = 3 * x[r * neurons + 2] - 2 * x[r * neurons + 5] + 0.5 + noise * (rng() * 2 - 1);
  }
  return { x, t };
}

test('the default regression probe recovers planted weights and bias on the original scale; the ranking puts them first', async () => {
  const n = 12;
  const { x, t } = planted(4000, n, 1);
  const p = await trainRegressionProbe(arraySource(x, 4000, n), t, { gemm, seed: 3 });
  assert.equal(p.model.classes, 1);
  assert.ok(Math.abs(p.model.weights[2] - 3) < 0.02, `w2 ${p.model.weights[2]}`);
  assert.ok(Math.abs(p.model.weights[5] + 2) < 0.02, `w5 ${p.model.weights[5]}`);
  for (const j of [0, 1, 3, 4, 6, 7, 8, 9, 10, 11]) assert.ok(Math.abs(p.model.weights[j]) < 0.01, `w${j} ${p.model.weights[j]}`);
  assert.ok(Math.abs(p.model.bias[0] - 0.5) < 0.03, `bias ${p.model.bias[0]}`);
  const test = planted(1000, n, 2);
  const pred = await predictValues(p.model, arraySource(test.x, 1000, n), { gemm });
  const m = regressionMetrics(pred, test.t);
  assert.ok(m.pearson! > 0.999 && m.spearman! > 0.999, JSON.stringify(m));
  // The noise is uniform on +-0.05: its variance 0.05^2 / 3 is the best MSE.
  assert.ok(m.mse < 1.5 * (0.05 ** 2 / 3), `mse ${m.mse}`);
  // NeuroX ranks a regression probe's [1 x neurons] weights as one class.
  const ranking = rankingWeights(p.model, p.columnStd, n);
  const order = neuronOrdering(ranking, 1, n).ordering;
  assert.deepEqual([...order.slice(0, 2)].sort(), [2, 5]);
  assert.deepEqual(fullWeights(p.model, n), p.model.weights);
});

test('NeuroX test_train_regression_probe: 10 rows, 100 neurons, 12 epochs of one batch make 12 Adam steps', async () => {
  const rng = seededRng(4);
  const x = Float32Array.from({ length: 10 * 100 }, () => rng());
  const t = Float32Array.from({ length: 10 }, () => rng());
  const p = await trainRegressionProbe(arraySource(x, 10, 100), t, { gemm, mode: 'neurox', epochs: 12 });
  assert.equal(p.report.steps, 12);
  assert.equal(p.report.epochs, 12);
  // test_evaluate_regression_probe: the probe scores new rows (NeuroX asserts an __OVERALL__ score exists).
  const pred = await predictValues(p.model, arraySource(Float32Array.from({ length: 1000 }, () => rng()), 10, 100), { gemm });
  assert.equal(pred.length, 10);
  assert.ok(pred.every(Number.isFinite));
});

test("NeuroX mode: nn.Linear's init, then Adam's first step moves each weight by lr against the sign of the MSE gradient 2/n X^T r", async () => {
  const n = 3;
  const x = Float32Array.from([1, 0, 2, 0, 1, -1, 3, 1, 0, -2, 1, 1]);
  const t = Float32Array.from([1, -1, 2, 0.5]);
  const p = await trainRegressionProbe(arraySource(x, 4, n), t, { gemm, mode: 'neurox', epochs: 1, seed: 5, lambdaL1: 0, lambdaL2: 0 });
  const rng = seededRng(5);
  const bound = 1 / Math.sqrt(n);
  const w0 = Array.from({ length: n }, () => (rng() * 2 - 1) * bound);
  const b0 = (rng() * 2 - 1) * bound;
  const r = [0, 1, 2, 3].map((i) => w0[0] * x[i * 3] + w0[1] * x[i * 3 + 1] + w0[2] * x[i * 3 + 2] + b0 - t[i]);
  const g = [0, 1, 2].map((j) => (2 / 4) * r.reduce((s, ri, i) => s + ri * x[i * 3 + j], 0));
  const gb = (2 / 4) * r.reduce((s, ri) => s + ri, 0);
  for (let j = 0; j < n; j++) assert.ok(Math.abs(p.model.weights[j] - (w0[j] - 1e-3 * Math.sign(g[j]))) < 1e-6, `w${j}`);
  assert.ok(Math.abs(p.model.bias[0] - (b0 - 1e-3 * Math.sign(gb))) < 1e-6);
  assert.ok(Math.abs(p.report.trainLoss - r.reduce((s, v) => s + v * v, 0) / 4) < 1e-5, 'the epoch loss is the MSE before the step');
});

test('the elastic net zeroes the neurons the target does not use; stronger L1 keeps fewer', async () => {
  const n = 12;
  const { x, t } = planted(3000, n, 6);
  const src = arraySource(x, 3000, n);
  const weak = await trainRegressionProbe(src, t, { gemm, lambdaL1: 1e-4, seed: 1 });
  const strong = await trainRegressionProbe(src, t, { gemm, lambdaL1: 0.5, seed: 1 });
  const nonzero = (w: Float32Array) => w.filter((v) => v !== 0).length;
  assert.ok(nonzero(strong.model.weights) <= 2, `strong L1 keeps ${nonzero(strong.model.weights)}`);
  assert.ok(strong.model.weights[2] > 0 && strong.model.weights[5] < 0);
  assert.ok(Math.abs(strong.model.weights[2]) < Math.abs(weak.model.weights[2]), 'L1 shrinks the kept weights');
});

test('rows with NaN targets are skipped; constant targets, too few rows and mismatched lengths are refused', async () => {
  const n = 8;
  const { x, t } = planted(400, n, 8, 0);
  const skipped = Float32Array.from(t);
  for (let r = 0; r < 400; r += 3) skipped[r] = NaN;
  const p = await trainRegressionProbe(arraySource(x, 400, n), skipped, { gemm, seed: 1 });
  const pred = await predictValues(p.model, arraySource(x, 400, n), { gemm });
  assert.ok(pearson(pred, t)! > 0.995, `r ${pearson(pred, t)}`);
  const zeroed = await predictValues(p.model, arraySource(x, 400, n), { gemm, zeroOut: [2] });
  assert.ok(pearson(zeroed, t)! < 0.8, 'zeroing the planted neuron loses most of the signal');
  await assert.rejects(trainRegressionProbe(arraySource(x, 400, n), new Float32Array(400).fill(2), { gemm }), (e: unknown) => e instanceof GrainError && /every target is 2/.test(e.message));
  await assert.rejects(trainRegressionProbe(arraySource(x, 400, n), new Float32Array(400).fill(NaN), { gemm }), /0 row\(s\) with a target/);
  await assert.rejects(trainRegressionProbe(arraySource(x, 400, n), new Float32Array(10), { gemm }), /10 targets for 400 activation rows/);
  await assert.rejects(trainRegressionProbe(arraySource(x, 400, n), t, { gemm, lambdaL2: -1 }), /lambda_l2/);
});
