import { arraySource } from '../src/core/probe/data';
import { trainProbe } from '../src/core/probe/train';
import { predictSource } from '../src/core/probe/predict';
import { evaluatePredictions } from '../src/core/probe/evaluate';
import { seededRng } from '../src/core/probe/random';
import { createGemm } from '../src/core/linalg/gemm';

// POS-like: skewed class priors, class-dependent means in a few hundred neurons, tanh-squashed.
function synth(rows: number, d: number, k: number, seed: number, M: Float32Array, prior: Float64Array) {
  const rng = seededRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
  const x = new Float32Array(rows * d), y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let u = rng(), c = 0; while (c < k - 1 && u > prior[c]) { u -= prior[c]; c++; }
    y[r] = c;
    for (let j = 0; j < d; j++) x[r * d + j] = Math.tanh(M[c * d + j] + 0.9 * gauss());
  }
  return { x, y };
}
async function main() {
  const d = 768, k = 45;
  const rng = seededRng(7);
  const M = Float32Array.from({ length: k * d }, () => (rng() < 0.1 ? (rng() * 2 - 1) * 0.5 : 0));
  const prior = new Float64Array(k).map((_, i) => 1 / (i + 2)); const z = prior.reduce((a, b) => a + b); prior.forEach((v, i) => (prior[i] = v / z));
  const n = +(process.argv[2] ?? 100000);
  const tr = synth(n, d, k, 1, M, prior), te = synth(20000, d, k, 2, M, prior);
  const gemm = await createGemm();
  const configs = JSON.parse(process.argv[3] ?? '[{"mode":"default"},{"mode":"neurox"}]');
  for (const cfg of configs) {
    const t = performance.now();
    const { model, report } = await trainProbe(arraySource(tr.x, n, d), tr.y, { lambdaL1: 1e-5, lambdaL2: 1e-5, gemm, classes: k, ...cfg });
    const pred = await predictSource(model, arraySource(te.x, 20000, d), { gemm });
    const ev = evaluatePredictions(pred.predicted, te.y, k);
    console.log(JSON.stringify(cfg), ((performance.now() - t) / 1000).toFixed(2), 's', report.epochs, 'ep', report.stoppedBecause, 'gf', report.gflops.toFixed(1), report.gemmGflops.toFixed(1), 'test acc', ev.accuracy.toFixed(4), 'maj', ev.majorityBaseline.toFixed(3));
  }
}
main();
