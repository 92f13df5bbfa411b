import { arraySource } from '../src/core/probe/data';
import { trainProbe } from '../src/core/probe/train';
import { predictSource } from '../src/core/probe/predict';
import { evaluatePredictions } from '../src/core/probe/evaluate';
import { seededRng } from '../src/core/probe/random';
import { createGemm } from '../src/core/linalg/gemm';

function synth(rows: number, d: number, k: number, seed: number, Wt: Float32Array) {
  const rng = seededRng(seed);
  const x = new Float32Array(rows * d);
  const y = new Int32Array(rows);
  const gauss = () => Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) x[r * d + j] = 0.3 * gauss() + (j % 7) * 0.1; // offsets + varied scale
    let best = 0, bv = -Infinity;
    for (let c = 0; c < k; c++) { let s = 0; for (let j = 0; j < 40; j++) s += Wt[c * d + j] * x[r * d + j]; s += 1.5 * gauss() + (c < 5 ? 2 : 0); if (s > bv) { bv = s; best = c; } }
    y[r] = best;
  }
  return { x, y };
}
async function main() {
  const d = 768, k = 45;
  const rng = seededRng(7);
  const Wt = Float32Array.from({ length: k * d }, () => rng() * 2 - 1);
  const tr = synth(100000, d, k, 1, Wt), te = synth(20000, d, k, 2, Wt);
  const gemm = await createGemm();
  for (const mode of ['default', 'neurox'] as const) {
    const t = performance.now();
    const { model, report } = await trainProbe(arraySource(tr.x, 100000, d), tr.y, { mode, lambdaL1: 1e-5, lambdaL2: 1e-5, gemm, onProgress: (p) => console.log(JSON.stringify(p)) });
    const pred = await predictSource(model, arraySource(te.x, 20000, d), { gemm });
    const ev = evaluatePredictions(pred.predicted, te.y, k);
    console.log(mode, ((performance.now() - t) / 1000).toFixed(2), 's', JSON.stringify({ ...report }), 'test acc', ev.accuracy.toFixed(4), 'maj', ev.majorityBaseline.toFixed(3));
  }
}
main();
