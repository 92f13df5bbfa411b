import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivationMatrix, SiteInfo } from '../../src/core/activations';
import { CancelledError, GrainError } from '../../src/core/errors';
import { createGemm, type Gemm } from '../../src/core/linalg/gemm';
import { seededRng } from '../../src/core/random';
import {
  accumulateCorrelation,
  correlateModels,
  correlationMatrix,
  matrixSource,
  type ActivationSourceLike,
  type RowChunk,
} from '../../src/core/correlate/index';

const rng = seededRng;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}

const SITES: SiteInfo[] = [
  { name: 'embeddings', kind: 'boundary', width: 5 },
  { name: 'layer1', kind: 'boundary', width: 7 },
];
const N = 12;

/** Three related models: b and c mix a's neurons with noise; large offsets test the shift. */
function models(rows: number, seed: number): ActivationMatrix[] {
  const r = rng(seed);
  const a = new Float32Array(rows * N);
  for (let i = 0; i < a.length; i++) a[i] = gauss(r) * (1 + (i % N)) + 50 * ((i % N) - 6);
  const mix = (noise: number) => {
    const out = new Float32Array(rows * N);
    const w = Float64Array.from({ length: N * N }, () => gauss(r));
    for (let t = 0; t < rows; t++) {
      for (let c = 0; c < N; c++) {
        let v = 0;
        for (let k = 0; k < 3; k++) v += w[c * N + k] * a[t * N + ((c + k * 5) % N)];
        out[t * N + c] = v + noise * gauss(r) + 1000;
      }
    }
    return out;
  };
  const b = mix(3);
  const c = mix(20);
  for (let t = 0; t < rows; t++) c[t * N + 3] = 7.25; // a constant neuron
  const tokens = Array.from({ length: rows }, (_, i) => `w${i % 17}`);
  const offsets = Uint32Array.from([0, Math.floor(rows / 2), rows]);
  return [a, b, c].map((data) => ({ sites: SITES, neurons: N, tokens, sentenceOffsets: offsets, data }));
}

/** A source that cuts its chunks at odd sizes that differ between models. */
function oddSource(m: ActivationMatrix, sizes: number[]): ActivationSourceLike {
  const base = matrixSource(m);
  return {
    ...base,
    *chunks(): Iterable<RowChunk> {
      let start = 0;
      let k = 0;
      while (start < base.rows) {
        const n = Math.min(sizes[k++ % sizes.length], base.rows - start);
        yield { start, rows: n, data: m.data.subarray(start * N, (start + n) * N) };
        start += n;
      }
    },
  };
}

/** Direct two-pass float64 Pearson r, rows of x against rows of y. */
function directR(x: Float32Array, y: Float32Array, rows: number): Float64Array {
  const mean = (d: Float32Array) => {
    const m = new Float64Array(N);
    for (let t = 0; t < rows; t++) for (let c = 0; c < N; c++) m[c] += d[t * N + c];
    return m.map((v) => v / rows);
  };
  const mx = mean(x);
  const my = mean(y);
  const cov = new Float64Array(N * N);
  const vx = new Float64Array(N);
  const vy = new Float64Array(N);
  for (let t = 0; t < rows; t++) {
    for (let i = 0; i < N; i++) {
      const dx = x[t * N + i] - mx[i];
      vx[i] += dx * dx;
      const dyi = y[t * N + i] - my[i];
      vy[i] += dyi * dyi;
      for (let j = 0; j < N; j++) cov[i * N + j] += dx * (y[t * N + j] - my[j]);
    }
  }
  return cov.map((v, k) => {
    const d = vx[Math.floor(k / N)] * vy[k % N];
    return d > 0 ? v / Math.sqrt(d) : 0;
  });
}

function directCka(x: Float32Array, y: Float32Array, rows: number, sx: [number, number], sy: [number, number]): number {
  const centred = (d: Float32Array, [o, w]: [number, number]) => {
    const out = new Float64Array(rows * w);
    for (let c = 0; c < w; c++) {
      let m = 0;
      for (let t = 0; t < rows; t++) m += d[t * N + o + c];
      m /= rows;
      for (let t = 0; t < rows; t++) out[t * w + c] = d[t * N + o + c] - m;
    }
    return out;
  };
  const gramF2 = (p: Float64Array, wp: number, q: Float64Array, wq: number) => {
    let f = 0;
    for (let i = 0; i < wp; i++) {
      for (let j = 0; j < wq; j++) {
        let s = 0;
        for (let t = 0; t < rows; t++) s += p[t * wp + i] * q[t * wq + j];
        f += s * s;
      }
    }
    return f;
  };
  const X = centred(x, sx);
  const Y = centred(y, sy);
  return gramF2(X, sx[1], Y, sy[1]) / Math.sqrt(gramF2(X, sx[1], X, sx[1]) * gramF2(Y, sy[1], Y, sy[1]));
}

let gemm: Gemm;
test.before(async () => {
  // Always go through the runtime, even for these small products.
  gemm = await createGemm({ smallProduct: 0 });
});
test.after(async () => gemm.dispose());

test('streamed correlation, MaxCorr/MinCorr and CKA match a direct float64 two-pass computation', async () => {
  const rows = 1003;
  const ms = models(rows, 7);
  const inputs = [
    { name: 'a', source: oddSource(ms[0], [97, 313, 5]) },
    { name: 'b', source: oddSource(ms[1], [250]) },
    { name: 'c', source: oddSource(ms[2], [1, 400, 77]) },
  ];
  const report = await correlateModels(inputs, { gemm, chunkRows: 211 });
  const sums = await accumulateCorrelation(inputs, { gemm, chunkRows: 211 });
  let worst = 0;
  const ref: Float64Array[][] = [[], [], []];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      if (i === j) continue;
      ref[i][j] = directR(ms[i].data, ms[j].data, rows);
      const got = correlationMatrix(sums, i, j);
      for (let k = 0; k < N * N; k++) worst = Math.max(worst, Math.abs(got[k] - ref[i][j][k]));
    }
  }
  assert.ok(worst < 2e-6, `max |r - r_direct| = ${worst}`);
  // The data are built so that correlations are strong but not trivial.
  const meanB = report.perModel[1].maxCorr.reduce((x, v) => x + v, 0) / N;
  assert.ok(meanB > 0.3 && meanB < 0.99, `mean MaxCorr of b ${meanB}`);

  for (let m = 0; m < 3; m++) {
    for (let x = 0; x < N; x++) {
      const best = [0, 1, 2].filter((o) => o !== m).map((o) => {
        let b = 0;
        for (let y = 0; y < N; y++) b = Math.max(b, Math.abs(ref[m][o][x * N + y]));
        return b;
      });
      assert.ok(Math.abs(report.perModel[m].maxCorr[x] - Math.max(...best)) < 2e-6);
      assert.ok(Math.abs(report.perModel[m].minCorr[x] - Math.min(...best)) < 2e-6);
    }
    const rank = report.perModel[m].rankingMaxCorr;
    for (let k = 1; k < N; k++) assert.ok(report.perModel[m].maxCorr[rank[k - 1]] >= report.perModel[m].maxCorr[rank[k]]);
  }
  assert.deepEqual([...report.perModel[2].constantNeurons], [3]);
  assert.equal(report.perModel[2].maxCorr[3], 0);
  assert.equal(report.constantNeurons, 1);
  assert.equal(report.perModel[2].sites[0].constant, 1);
  // Histogram counts the non-constant neurons of the site.
  assert.equal(report.perModel[2].sites[0].maxCorrHistogram.reduce((s, v) => s + v, 0), 4);
  const top = report.perModel[0].topShared[0];
  assert.ok(Math.abs(Math.abs(top.r) - report.perModel[0].maxCorr[top.neuron]) < 1e-12);
  assert.ok(Math.abs(ref[0][top.partnerModel][top.neuron * N + top.partnerNeuron] - top.r) < 2e-6);

  const spans: [number, number][] = [[0, 5], [5, 7]];
  assert.equal(report.cka.length, 3);
  for (const c of report.cka) {
    for (let p = 0; p < 2; p++) {
      for (let q = 0; q < 2; q++) {
        const want = directCka(ms[c.modelA].data, ms[c.modelB].data, rows, spans[p], spans[q]);
        assert.ok(Math.abs(c.cka[p * 2 + q] - want) < 1e-5, `cka ${c.modelA}-${c.modelB} [${p}][${q}] ${c.cka[p * 2 + q]} vs ${want}`);
      }
    }
  }
});

test('a model compared with itself: MaxCorr 1 for every non-constant neuron, CKA 1 on the diagonal', async () => {
  const rows = 4099;
  const [, , c] = models(rows, 11);
  const report = await correlateModels(
    [{ name: 'c', source: matrixSource(c) }, { name: 'c again', source: oddSource(c, [1000, 3]) }],
    { gemm, chunkRows: 1024 },
  );
  for (const m of report.perModel) {
    for (let x = 0; x < N; x++) {
      if (x === 3) assert.equal(m.maxCorr[x], 0);
      else assert.ok(Math.abs(m.maxCorr[x] - 1) < 1e-6, `neuron ${x}: ${m.maxCorr[x]}`);
    }
    assert.deepEqual([...m.constantNeurons], [3]);
    assert.equal(m.rankingMaxCorr[N - 1], 3);
  }
  assert.equal(report.constantNeurons, 2);
  const k = report.cka[0].cka;
  assert.ok(Math.abs(k[0] - 1) < 1e-6 && Math.abs(k[3] - 1) < 1e-6, `diag ${k[0]} ${k[3]}`);
  assert.ok(k[1] < 0.999 && k[2] < 0.999);
});

test('models that cannot be compared are refused with what differs', async () => {
  const [a, b] = models(50, 3);
  const wide: ActivationMatrix = {
    ...b,
    sites: [SITES[0], { ...SITES[1], width: 8 }],
    neurons: 13,
    data: new Float32Array(50 * 13),
  };
  await assert.rejects(
    correlateModels([{ name: 'a', source: matrixSource(a) }, { name: 'wide', source: matrixSource(wide) }], { gemm }),
    (e: unknown) => e instanceof GrainError && /'wide' has embeddings\(5\), layer1\(8\)/.test(e.message),
  );
  const short: ActivationMatrix = { ...b, tokens: b.tokens.slice(0, 40), sentenceOffsets: Uint32Array.from([0, 40]), data: b.data.subarray(0, 40 * N) };
  await assert.rejects(
    correlateModels([{ name: 'a', source: matrixSource(a) }, { name: 'short', source: matrixSource(short) }], { gemm }),
    (e: unknown) => e instanceof GrainError && /50 vs 40 token rows/.test(e.message),
  );
  const other: ActivationMatrix = { ...b, tokens: b.tokens.map((t, i) => (i === 9 ? 'xyz' : t)) };
  await assert.rejects(
    correlateModels([{ name: 'a', source: matrixSource(a) }, { name: 'o', source: matrixSource(other) }], { gemm }),
    (e: unknown) => e instanceof GrainError && /token 9 is 'w9' vs 'xyz'/.test(e.message),
  );
  await assert.rejects(correlateModels([{ name: 'a', source: matrixSource(a) }], { gemm }), GrainError);
});

test('cancel between chunks', async () => {
  const [a, b] = models(300, 5);
  const ctl = new AbortController();
  let calls = 0;
  await assert.rejects(
    correlateModels([{ name: 'a', source: matrixSource(a) }, { name: 'b', source: matrixSource(b) }], {
      gemm,
      chunkRows: 64,
      signal: ctl.signal,
      onProgress: () => {
        if (++calls === 2) ctl.abort();
      },
    }),
    CancelledError,
  );
  assert.equal(calls, 2);
});
