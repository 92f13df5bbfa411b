/**
 * Cross-model correlation throughput: 3 models x 768 neurons x ~45,000 rows (the brown-lstm
 * seeds over brown-test-2000.txt), from three .grain files or synthetic data of that shape.
 * Run: node --import tsx bench/correlate.ts [a.grain b.grain c.grain]
 */
import type { SiteInfo } from '../src/core/activations';
import { accumulateCorrelation, linearCka, summarizeCorrelation, type ActivationSourceLike, type NamedSource, type RowChunk } from '../src/core/correlate';
import { createGemm, measureGflops } from '../src/core/linalg/gemm';
import { openActivations } from '../src/core/store';

export interface CorrelateBenchFigures {
  models: number;
  neurons: number;
  rows: number;
  /** One streaming pass: shift, float64 sums and the float32 products. */
  accumulateSeconds: number;
  /** Correlation matrices, MaxCorr/MinCorr, rankings, summaries and CKA from the sums. */
  summarizeSeconds: number;
  /** rows x neuron pairs across models (each pair of models, every neuron with every neuron), per second of the whole job. */
  tokenNeuronPairsPerSecond: number;
  /** Flops of the products (cross-model pairs + per-site Gram blocks) over the accumulation time. */
  gflops: number;
  /** The same Gemm on a 1024^3 product in this run: the ceiling gflops is measured against. */
  peakGflops: number;
}

export async function runCorrelateBench(inputs: NamedSource[], opts: { threads?: number; chunkRows?: number } = {}): Promise<CorrelateBenchFigures> {
  const gemm = await createGemm({ threads: opts.threads });
  try {
    const peakGflops = await measureGflops(gemm, 1024);
    const t0 = performance.now();
    const sums = await accumulateCorrelation(inputs, { gemm, chunkRows: opts.chunkRows });
    const t1 = performance.now();
    summarizeCorrelation(sums);
    linearCka(sums);
    const t2 = performance.now();
    const M = inputs.length;
    const N = sums.neurons;
    const pairs = (M * (M - 1)) / 2;
    const siteSq = sums.sites.reduce((s, x) => s + x.width * x.width, 0);
    const flops = 2 * sums.rows * (pairs * N * N + M * siteSq);
    return {
      models: M,
      neurons: N,
      rows: sums.rows,
      accumulateSeconds: (t1 - t0) / 1000,
      summarizeSeconds: (t2 - t1) / 1000,
      tokenNeuronPairsPerSecond: (sums.rows * pairs * N * N) / ((t2 - t0) / 1000),
      gflops: flops / ((t1 - t0) / 1000) / 1e9,
      peakGflops,
    };
  } finally {
    await gemm.dispose();
  }
}

/**
 * Synthetic activations of the benchmark's shape without holding them: a pool of random rows
 * is cycled, so chunks are views and generating data costs nothing during the timed pass.
 */
export function syntheticSources(models = 3, sites = 3, width = 256, rows = 45_000, seed = 1): NamedSource[] {
  const siteList: SiteInfo[] = Array.from({ length: sites }, (_, i) => ({ name: i === 0 ? 'embeddings' : `layer${i}`, kind: 'boundary', width }));
  const N = sites * width;
  const poolRows = 8192;
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5;
  const shared = Float32Array.from({ length: poolRows * N }, next);
  return Array.from({ length: models }, (_, m) => {
    const pool = Float32Array.from(shared, (v) => v + 0.5 * next() + m);
    const source: ActivationSourceLike = {
      sites: siteList,
      neurons: N,
      rows,
      *chunks(maxRows: number): Iterable<RowChunk> {
        for (let start = 0; start < rows; ) {
          const at = start % poolRows;
          const n = Math.min(maxRows, rows - start, poolRows - at);
          yield { start, rows: n, data: pool.subarray(at * N, (at + n) * N) };
          start += n;
        }
      },
    };
    return { name: `synthetic-${m + 1}`, source };
  });
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  let inputs: NamedSource[];
  if (files.length > 0) {
    inputs = await Promise.all(files.map(async (f) => ({ name: f, source: await openActivations(f) })));
  } else {
    inputs = syntheticSources();
  }
  const r = await runCorrelateBench(inputs);
  console.log(
    `correlate ${r.models} models x ${r.neurons} neurons x ${r.rows} rows: accumulate ${r.accumulateSeconds.toFixed(2)} s ` +
      `(${r.gflops.toFixed(1)} GFLOP/s; Gemm peak here ${r.peakGflops.toFixed(1)}), summarize+CKA ${r.summarizeSeconds.toFixed(2)} s, ` +
      `${(r.tokenNeuronPairsPerSecond / 1e9).toFixed(2)} G token-neuron-pairs/s`,
  );
  console.log(JSON.stringify(r));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
