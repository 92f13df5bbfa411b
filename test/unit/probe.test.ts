import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGemm, type Gemm } from '../../src/core/linalg/gemm';
import { arraySource, loadProbeData } from '../../src/core/probe/data';
import { evaluatePredictions, selectivity } from '../../src/core/probe/evaluate';
import { fullWeights } from '../../src/core/probe/model';
import { predictRow, predictSource } from '../../src/core/probe/predict';
import { seededRng } from '../../src/core/random';
import { trainProbe } from '../../src/core/probe/train';
import { GrainError } from '../../src/core/errors';

/** Labels decided by planted neurons; the other neurons are noise. Columns get varied offsets and scales. */
function planted(rows: number, neurons: number, seed: number, scale = (j: number) => 1 + (j % 5), shift = (j: number) => (j % 3) - 1) {
  const rng = seededRng(seed);
  const x = new Float32Array(rows * neurons);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = Math.floor(rng() * 3);
    y[r] = c;
    for (let j = 0; j < neurons; j++) {
      let v = rng() * 2 - 1;
      if (j === 2 && c === 0) v += 1.6;
      if (j === 5 && c === 1) v += 1.6;
      if (j === 7 && c === 2) v += 1.6;
      x[r * neurons + j] = v * scale(j) + shift(j);
    }
  }
  return { x, y };
}

let gemm: Gemm;
before(async () => {
  gemm = await createGemm();
});
after(async () => {
  await gemm.dispose();
});

async function testAccuracy(model: Parameters<typeof predictSource>[0], x: Float32Array, y: Int32Array, neurons: number) {
  const p = await predictSource(model, arraySource(x, y.length, neurons), { gemm });
  return evaluatePredictions(p.predicted, y, 3).accuracy;
}

test('both trainers learn planted neurons; the default ranks them first on the original scale', async () => {
  const n = 12;
  const tr = planted(6000, n, 1);
  const te = planted(2000, n, 2);
  const def = await trainProbe(arraySource(tr.x, 6000, n), tr.y, { gemm, lambdaL1: 1e-4, lambdaL2: 1e-4 });
  const nx = await trainProbe(arraySource(tr.x, 6000, n), tr.y, { gemm, mode: 'neurox', lambdaL1: 1e-4, lambdaL2: 1e-4 });
  const accDef = await testAccuracy(def.model, te.x, te.y, n);
  const accNx = await testAccuracy(nx.model, te.x, te.y, n);
  // Bayes rate for this design is ~0.93; a probe that ignores the planted neurons gets ~0.33.
  assert.ok(accDef > 0.88, `default accuracy ${accDef}`);
  assert.ok(accNx > 0.85, `neurox accuracy ${accNx}`);
  assert.ok(accDef >= accNx - 0.01, `default ${accDef} vs neurox ${accNx}`);
  // Weight mass x column std (the effect on the logits) is largest on the planted neurons.
  const mass = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let c = 0; c < 3; c++) s += Math.abs(def.model.weights[c * n + j]);
    return s * (1 + (j % 5));
  });
  const top3 = mass.map((m, j) => [m, j]).sort((a, b) => b[0] - a[0]).slice(0, 3).map((e) => e[1]).sort((a, b) => a - b);
  assert.deepEqual(top3, [2, 5, 7]);
  assert.equal(def.report.mode, 'default');
  assert.ok(def.report.flops > 0 && def.report.gflops > 0);
  assert.ok(def.report.holdoutRows! > 0 && def.report.holdoutRows! < 6000);
});

test('without penalties the default probe is scale-equivariant: rescaled columns give weights / scale', async () => {
  const n = 6;
  const base = planted(3000, n, 3, () => 1, () => 0);
  const s = [1, 10, 0.1, 3, 1, 7];
  const t = [0, 5, -2, 0, 1, 0];
  const scaled = base.x.map((v, i) => v * s[i % n] + t[i % n]);
  const a = await trainProbe(arraySource(base.x, 3000, n), base.y, { gemm, seed: 4 });
  const b = await trainProbe(arraySource(scaled, 3000, n), base.y, { gemm, seed: 4 });
  for (let c = 0; c < 3; c++) {
    for (let j = 0; j < n; j++) {
      const wa = a.model.weights[c * n + j];
      const wb = b.model.weights[c * n + j] * s[j];
      assert.ok(Math.abs(wa - wb) <= 1e-3 * (1 + Math.abs(wa)), `class ${c} neuron ${j}: ${wa} vs ${wb}`);
    }
  }
});

/** NeuroX's objective in float64: mean CE + l1 sum|W| + l2 ||W||. */
function objective(model: { weights: Float32Array; bias: Float32Array }, x: Float32Array, y: Int32Array, n: number, l1: number, l2: number): number {
  let ce = 0;
  const rows = y.length;
  for (let r = 0; r < rows; r++) {
    const z = [0, 1, 2].map((c) => {
      let s = model.bias[c];
      for (let j = 0; j < n; j++) s += model.weights[c * n + j] * x[r * n + j];
      return s;
    });
    const m = Math.max(...z);
    ce += m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0)) - z[y[r]];
  }
  let abs = 0;
  let sq = 0;
  for (const w of model.weights) {
    abs += Math.abs(w);
    sq += w * w;
  }
  return ce / rows + l1 * abs + l2 * Math.sqrt(sq);
}

test('default trainer reaches a lower elastic-net objective than NeuroX mode', async () => {
  const n = 8;
  const { x, y } = planted(4000, n, 5);
  const l1 = 2e-3;
  const l2 = 1e-3;
  const def = await trainProbe(arraySource(x, 4000, n), y, { gemm, lambdaL1: l1, lambdaL2: l2, holdoutEvery: 0 });
  const nx = await trainProbe(arraySource(x, 4000, n), y, { gemm, mode: 'neurox', lambdaL1: l1, lambdaL2: l2 });
  const fDef = objective(def.model, x, y, n, l1, l2);
  const fNx = objective(nx.model, x, y, n, l1, l2);
  assert.ok(fDef < fNx, `default objective ${fDef} >= neurox ${fNx}`);
  // Noise neurons end up with far less weight than the planted ones.
  const col = (j: number) => Math.max(...[0, 1, 2].map((c) => Math.abs(def.model.weights[c * n + j])));
  const noise = Math.max(...[0, 1, 3, 4, 6].map(col));
  const signal = Math.min(...[2, 5, 7].map(col));
  assert.ok(noise < 0.2 * signal, `noise ${noise} vs planted ${signal}`);
});

test('NeuroX mode: nn.Linear init and one Adam step of lr * sign(gradient)', async () => {
  const n = 4;
  const { x, y } = planted(32, n, 6, () => 1, () => 0);
  y[0] = 0;
  y[1] = 1;
  y[2] = 2;
  const one = await trainProbe(arraySource(x, 32, n), y, { gemm, mode: 'neurox', epochs: 1, seed: 9 });
  const rng = seededRng(9);
  const bound = 1 / Math.sqrt(n);
  const w0 = Array.from({ length: 3 * n }, () => (rng() * 2 - 1) * bound);
  assert.equal(one.report.steps, 1);
  // Adam's first step moves every parameter by lr (times the sign of its gradient), up to eps.
  for (let i = 0; i < w0.length; i++) assert.ok(Math.abs(Math.abs(one.model.weights[i] - w0[i]) - 1e-3) < 1e-6, `weight ${i}`);
  const same = await trainProbe(arraySource(x, 32, n), y, { gemm, mode: 'neurox', epochs: 1, seed: 9 });
  assert.deepEqual(same.model.weights, one.model.weights);
});

test('streaming (over the memory budget) and in-memory data train identically in NeuroX mode', async () => {
  const n = 10;
  const { x, y } = planted(700, n, 7);
  y[13] = -1;
  y[400] = -1;
  const mem = await trainProbe(arraySource(x, 700, n), y, { gemm, mode: 'neurox', epochs: 2 });
  const streamed = await trainProbe(arraySource(x, 700, n), y, { gemm, mode: 'neurox', epochs: 2, memoryBytes: 0 });
  assert.deepEqual(streamed.model.weights, mem.model.weights);
  const data = await loadProbeData(arraySource(x, 700, n), y, { memoryBytes: 0 });
  assert.equal(data.inMemory, false);
  assert.equal(data.rows, 698);
});

test('default mode is deterministic given a seed, and streamed data trains it too', async () => {
  const n = 10;
  const { x, y } = planted(3000, n, 8);
  const a = await trainProbe(arraySource(x, 3000, n), y, { gemm, seed: 1 });
  const b = await trainProbe(arraySource(x, 3000, n), y, { gemm, seed: 1 });
  const c = await trainProbe(arraySource(x, 3000, n), y, { gemm, seed: 2 });
  assert.deepEqual(a.model.weights, b.model.weights);
  assert.notDeepEqual(a.model.weights, c.model.weights);
  const s = await trainProbe(arraySource(x, 3000, n), y, { gemm, seed: 1, memoryBytes: 0 });
  const te = planted(1000, n, 9);
  assert.ok((await testAccuracy(s.model, te.x, te.y, n)) > 0.85);
});

test('column subsets: trains on the chosen neurons only and maps them back', async () => {
  const n = 12;
  const tr = planted(4000, n, 10);
  const te = planted(1000, n, 11);
  const sub = await trainProbe(arraySource(tr.x, 4000, n), tr.y, { gemm, columns: [7, 5, 2] });
  assert.deepEqual([...sub.model.columns], [7, 5, 2]);
  assert.equal(sub.model.weights.length, 9);
  assert.ok((await testAccuracy(sub.model, te.x, te.y, n)) > 0.88);
  const noise = await trainProbe(arraySource(tr.x, 4000, n), tr.y, { gemm, columns: [0, 1, 3] });
  assert.ok((await testAccuracy(noise.model, te.x, te.y, n)) < 0.45);
  const full = fullWeights(sub.model, n);
  assert.equal(full[7], sub.model.weights[0]);
  assert.equal(full[n + 5], sub.model.weights[4]);
  assert.equal(full[0], 0);
});

test('predictRow gives softmax probabilities that agree with predictSource', async () => {
  const n = 12;
  const tr = planted(2000, n, 12);
  const { model } = await trainProbe(arraySource(tr.x, 2000, n), tr.y, { gemm });
  const p = await predictSource(model, arraySource(tr.x, 2000, n), { gemm });
  for (const r of [0, 17, 1999]) {
    const row = predictRow(model, tr.x.subarray(r * n, (r + 1) * n));
    assert.equal(row.predicted, p.predicted[r]);
    assert.ok(Math.abs(row.probability - p.probability[r]) < 1e-5);
    assert.ok(Math.abs(row.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.ok(row.probability >= 1 / 3);
  }
  // Zeroing the planted neurons leaves the probe near chance.
  const z = await predictSource(model, arraySource(tr.x, 2000, n), { gemm, zeroOut: [2, 5, 7] });
  assert.ok(evaluatePredictions(z.predicted, tr.y, 3).accuracy < 0.5);
});

test('evaluation: accuracy, per class, macro-F1, confusion, majority baseline, selectivity', () => {
  const y = new Int32Array([0, 0, 0, 1, 1, 2, -1]);
  const p = new Int32Array([0, 0, 1, 1, 0, 2, 2]);
  const e = evaluatePredictions(p, y, 3);
  assert.equal(e.rows, 6);
  assert.equal(e.skipped, 1);
  assert.equal(e.accuracy, 4 / 6);
  assert.deepEqual(e.confusion, [[2, 1, 0], [1, 1, 0], [0, 0, 1]]);
  assert.deepEqual(e.classAccuracy, [2 / 3, 1 / 2, 1]);
  // F1: class0 2*2/(3+3), class1 2*1/(2+2), class2 1
  assert.ok(Math.abs(e.macroF1 - (4 / 6 + 0.5 + 1) / 3) < 1e-12);
  assert.equal(e.majorityClass, 0);
  assert.equal(e.majorityBaseline, 0.5);
  assert.deepEqual(selectivity(0.9, 0.7), { taskAccuracy: 0.9, controlAccuracy: 0.7, selectivity: 0.9 - 0.7 });
});

test('bad input: lambdas, non-finite activations, one class, mismatched labels', async () => {
  const n = 3;
  const x = new Float32Array(4 * n).fill(0.5);
  const y = new Int32Array([0, 1, 0, 1]);
  const src = arraySource(x, 4, n, { tokens: ['The', 'cat', 'sat', 'down'], sentenceOffsets: new Uint32Array([0, 2, 4]) });
  for (const bad of [-1, NaN, Infinity]) {
    await assert.rejects(trainProbe(src, y, { gemm, lambdaL1: bad }), (e: unknown) => e instanceof GrainError && /lambda_l1/.test(e.message));
    await assert.rejects(trainProbe(src, y, { gemm, lambdaL2: bad }), (e: unknown) => e instanceof GrainError && /lambda_l2/.test(e.message));
  }
  const nan = x.slice();
  nan[3 * n + 2] = NaN;
  await assert.rejects(
    trainProbe(arraySource(nan, 4, n, { tokens: ['The', 'cat', 'sat', 'down'], sentenceOffsets: new Uint32Array([0, 2, 4]) }), y, { gemm, file: 'acts.grain' }),
    (e: unknown) => e instanceof GrainError && /acts\.grain: .*NaN at row 3 \(sentence 2, token 2 'down'\), neuron 2/.test(e.message),
  );
  await assert.rejects(trainProbe(src, new Int32Array([1, 1, -1, 1]), { gemm }), (e: unknown) => e instanceof GrainError && /1 class/.test(e.message));
  await assert.rejects(trainProbe(src, new Int32Array([0, 1, 0]), { gemm }), (e: unknown) => e instanceof GrainError && /3 labels for 4 activation rows/.test(e.message));
  await assert.rejects(trainProbe(src, y, { gemm, columns: [0, 9] }), (e: unknown) => e instanceof GrainError && /neuron 9 is out of range/.test(e.message));
});
