/**
 * Ranking methods benchmark: every way Grain ranks neurons, timed on brown-lstm-s1's activations
 * of the first 5,000 Brown training sentences (normalized tags, the probe benchmark's data and
 * extraction cache): the elastic-net probe (for scale), probeless, the IoU probe, the Gaussian
 * probe and correlation clustering (with its two probes).
 *
 * The Gaussian probe is also measured against NeuroX's way of scoring a candidate (a Gaussian
 * over the chosen neurons plus the candidate, fitted and evaluated from scratch: Cholesky of the
 * (s+1) x (s+1) covariance per class, then a triangular solve per row) at several numbers of
 * chosen neurons s, on a sample of candidates scaled to all of them, against Grain's incremental
 * steps, whose cost does not grow with s.
 */
import { loadProbeData, type ProbeData } from '../src/core/probe/data';
import { createGemm } from '../src/core/linalg/gemm';
import { trainProbe } from '../src/core/probe/train';
import { probelessRanking } from '../src/core/rank/probeless';
import { iouRanking } from '../src/core/rank/iou';
import { gaussianRanking } from '../src/core/rank/gaussian';
import { correlationClusters } from '../src/core/rank/clustering';
import { classMoments } from '../src/core/rank/labelled-rows';
import { prepareBrown } from './probe';

export interface RankBenchFigures {
  trainRows: number;
  neurons: number;
  classes: number;
  seconds: Record<string, number>;
  gaussian: {
    steps: number;
    evaluationRows: number;
    /** Seconds per greedy step: the first ten, and the last ten. */
    firstStepsSeconds: number;
    lastStepsSeconds: number;
    /** NeuroX's from-scratch scoring of one step at s chosen neurons, seconds (sampled candidates, scaled). */
    naiveStepSeconds: { chosen: number; seconds: number }[];
  };
  clustering: { clusters: number; kept: number };
}

const time = async <T>(f: () => Promise<T>): Promise<{ value: T; seconds: number }> => {
  const t0 = performance.now();
  const value = await f();
  return { value, seconds: (performance.now() - t0) / 1000 };
};

export async function runRankBench(opts: { log?: (s: string) => void; gaussianSteps?: number } = {}): Promise<RankBenchFigures> {
  const log = opts.log ?? console.log;
  const d = await prepareBrown({ trainSentences: 5000, testSentences: 1000 });
  const gemm = await createGemm();
  try {
    const data = await loadProbeData(d.train, d.yTrain, { classes: d.classes.length });
    const seconds: Record<string, number> = {};
    log(`${data.rows} training words x ${data.width} neurons, ${d.classes.length} classes`);

    const probe = await time(() => trainProbe(d.train, d.yTrain, { classes: d.classes.length, gemm, lambdaL1: 1e-5, lambdaL2: 1e-5 }));
    seconds.probe = probe.seconds;
    log(`linear probe (training only): ${probe.seconds.toFixed(2)} s`);
    seconds.probeless = (await time(() => probelessRanking(data))).seconds;
    log(`probeless: ${seconds.probeless.toFixed(2)} s`);
    seconds.iou = (await time(() => iouRanking(data))).seconds;
    log(`iou (average precision, ${d.classes.length} classes): ${seconds.iou.toFixed(2)} s`);

    const steps = opts.gaussianSteps ?? Math.ceil(data.width / 10);
    const stamps: number[] = [];
    const g = await time(() => gaussianRanking(data, { maxNeurons: steps, onProgress: () => stamps.push(performance.now()) }));
    seconds.gaussian = g.seconds;
    const per = stamps.slice(1).map((t, i) => (t - stamps[i]) / 1000);
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
    const firstStepsSeconds = mean(per.slice(0, 10));
    const lastStepsSeconds = mean(per.slice(-10));
    log(
      `gaussian: ${steps} greedy steps on ${g.value.evaluationRows} words in ${g.seconds.toFixed(1)} s (${firstStepsSeconds.toFixed(2)} s per step at first, ${lastStepsSeconds.toFixed(2)} s at the end); ` +
        `${g.value.steps.at(-1)!.mutualInformation.toFixed(3)} of ${g.value.entropyBits.toFixed(3)} bits`,
    );
    const chosen = g.value.steps.map((st) => st.column);
    const naive: { chosen: number; seconds: number }[] = [];
    for (const s of [5, 20, 40].filter((s) => s < chosen.length)) {
      const t = await naiveStep(data, chosen.slice(0, s), g.value.evaluationRows);
      naive.push({ chosen: s, seconds: t });
      log(`gaussian, NeuroX's from-scratch scoring of one step at ${s} chosen: ${t.toFixed(1)} s (Grain: ${lastStepsSeconds.toFixed(2)} s)`);
    }

    const c = await time(() => correlationClusters(data, { gemm }));
    seconds.clusteringOnly = c.seconds;
    const kept = Array.from(c.value.kept).sort((a, b) => a - b);
    const keptProbe = await time(() => trainProbe(d.train, d.yTrain, { classes: d.classes.length, gemm, columns: kept, lambdaL1: 1e-5, lambdaL2: 1e-5 }));
    seconds.clustering = c.seconds + keptProbe.seconds + probe.seconds;
    log(`clustering: ${c.value.clusters} clusters in ${c.seconds.toFixed(2)} s; with the probes on the kept and on all neurons ${seconds.clustering.toFixed(1)} s`);
    return {
      trainRows: data.rows,
      neurons: data.width,
      classes: d.classes.length,
      seconds,
      gaussian: { steps, evaluationRows: g.value.evaluationRows, firstStepsSeconds, lastStepsSeconds, naiveStepSeconds: naive },
      clustering: { clusters: c.value.clusters, kept: kept.length },
    };
  } finally {
    await gemm.dispose();
  }
}

/**
 * One greedy step scored as NeuroX does, at `chosen` neurons, on the first `rows` training words:
 * for a sample of 8 candidates, every class's Gaussian over chosen + candidate fitted from its
 * covariance (Cholesky from scratch) and evaluated on every row; scaled to all candidates.
 */
async function naiveStep(data: ProbeData, chosen: number[], rows: number): Promise<number> {
  const W = data.width;
  const C = data.classes;
  const m = await classMoments(data);
  const x = new Float32Array(rows * W);
  let at = 0;
  for await (const b of data.batches(8192)) {
    const take = Math.min(b.rows, rows - at);
    x.set(b.x.subarray(0, take * W), at * W);
    at += take;
    if (at >= rows) break;
  }
  const candidates = Array.from({ length: 8 }, (_, i) => Math.floor((i * W) / 8)).filter((j) => !chosen.includes(j));
  // NeuroX slices a covariance computed once: here each class's over the chosen and sampled neurons, outside the timing.
  const cols = [...chosen, ...candidates];
  const n = cols.length;
  const covs = Array.from({ length: C }, (_, c) => {
    const cov = new Float64Array(n * n);
    if (m.count[c] < 2) return cov;
    for (let r = 0; r < rows; r++) {
      for (let a = 0; a < n; a++) {
        const da = x[r * W + cols[a]] - m.mean[c * W + cols[a]];
        for (let b = 0; b < n; b++) cov[a * n + b] += da * (x[r * W + cols[b]] - m.mean[c * W + cols[b]]);
      }
    }
    for (let i = 0; i < n * n; i++) cov[i] /= rows;
    return cov;
  });
  const t0 = performance.now();
  for (let q = 0; q < candidates.length; q++) {
    const idx = [...chosen.map((_, i) => i), chosen.length + q];
    const k = idx.length;
    for (let c = 0; c < C; c++) {
      if (m.count[c] < 2) continue;
      const sub = new Float64Array(k * k);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sub[a * k + b] = covs[c][idx[a] * n + idx[b]];
      const L = cholesky(sub, k);
      const z = new Float64Array(k);
      for (let r = 0; r < rows; r++) {
        for (let a = 0; a < k; a++) {
          let v = x[r * W + cols[idx[a]]] - m.mean[c * W + cols[idx[a]]];
          for (let b = 0; b < a; b++) v -= L[a * k + b] * z[b];
          z[a] = v / L[a * k + a];
        }
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return (seconds * (W - chosen.length)) / candidates.length;
}

function cholesky(a: Float64Array, k: number): Float64Array {
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j] + (i === j ? 1e-6 : 0);
      for (let p = 0; p < j; p++) s -= L[i * k + p] * L[j * k + p];
      L[i * k + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * k + j];
    }
  }
  return L;
}
