import { siteOffsets } from '../neurons';
import { correlationMatrix, type CorrelationSums } from './accumulate';
import { median } from '../median';

/** A neuron and the neuron of another model it correlates with best. */
export interface SharedNeuron {
  neuron: number;
  partnerModel: number;
  partnerNeuron: number;
  /** Signed Pearson r (ranked by its absolute value). */
  r: number;
}

export interface SiteCorrelationSummary {
  site: string;
  width: number;
  /** Constant neurons are left out of the means, medians and histogram; they are counted here. */
  constant: number;
  meanMaxCorr: number;
  medianMaxCorr: number;
  meanMinCorr: number;
  medianMinCorr: number;
  /** Counts of MaxCorr in equal bins over [0, 1]; 1 falls in the last bin. */
  maxCorrHistogram: Uint32Array;
  minCorrHistogram: Uint32Array;
}

export interface ModelCorrelationSummary {
  name: string;
  /** Per neuron: max over other models of its best |r| with any neuron of that model. */
  maxCorr: Float64Array;
  /** Per neuron: min over other models of that best |r|. */
  minCorr: Float64Array;
  /** [models x neurons]: best |r| with each model (NaN on the model's own row). */
  bestAbs: Float64Array;
  /** [models x neurons]: which neuron of that model gives it (-1 on the own row). */
  bestNeuron: Int32Array;
  /** [models x neurons]: the signed r of that best match. */
  bestR: Float64Array;
  /** Neuron ids, best first (ties by id). */
  rankingMaxCorr: Int32Array;
  rankingMinCorr: Int32Array;
  /** Ids of neurons with zero variance; their correlations are 0. */
  constantNeurons: Int32Array;
  sites: SiteCorrelationSummary[];
  /** The neurons with the strongest partner in any other model, best first. */
  topShared: SharedNeuron[];
}

export interface SummaryOptions {
  bins?: number;
  topShared?: number;
}

/** Neuron ids sorted by score, highest first; equal scores keep id order so rankings are reproducible. */
export function rankDescending(score: Float64Array): Int32Array {
  const ids = Int32Array.from({ length: score.length }, (_, i) => i);
  return ids.sort((a, b) => score[b] - score[a] || a - b);
}

function histogram(values: Float64Array, bins: number): Uint32Array {
  const h = new Uint32Array(bins);
  for (const v of values) h[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]++;
  return h;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : 0;
}

/** MaxCorr / MinCorr (Bau et al. 2019, as used by Dalvi et al. 2019) for every model. */
export function summarizeCorrelation(s: CorrelationSums, opts: SummaryOptions = {}): ModelCorrelationSummary[] {
  const M = s.names.length;
  const N = s.neurons;
  const bins = opts.bins ?? 20;
  const topK = opts.topShared ?? 25;
  const bestAbs = s.names.map(() => new Float64Array(M * N).fill(NaN));
  const bestNeuron = s.names.map(() => new Int32Array(M * N).fill(-1));
  const bestR = s.names.map(() => new Float64Array(M * N).fill(NaN));

  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      const R = correlationMatrix(s, i, j);
      // Row maxima give model i's neurons their best in j; column maxima the reverse.
      const rowBest = new Float64Array(N).fill(-1);
      const colBest = new Float64Array(N).fill(-1);
      const rowArg = new Int32Array(N);
      const colArg = new Int32Array(N);
      for (let x = 0; x < N; x++) {
        for (let y = 0; y < N; y++) {
          const a = Math.abs(R[x * N + y]);
          if (a > rowBest[x]) { rowBest[x] = a; rowArg[x] = y; }
          if (a > colBest[y]) { colBest[y] = a; colArg[y] = x; }
        }
      }
      for (let x = 0; x < N; x++) {
        bestAbs[i][j * N + x] = rowBest[x];
        bestNeuron[i][j * N + x] = rowArg[x];
        bestR[i][j * N + x] = R[x * N + rowArg[x]];
        bestAbs[j][i * N + x] = colBest[x];
        bestNeuron[j][i * N + x] = colArg[x];
        bestR[j][i * N + x] = R[colArg[x] * N + x];
      }
    }
  }

  const offsets = siteOffsets(s.sites);
  return s.names.map((name, m) => {
    const maxCorr = new Float64Array(N);
    const minCorr = new Float64Array(N);
    const partner = new Int32Array(N);
    for (let x = 0; x < N; x++) {
      let hi = -1, lo = Infinity, arg = -1;
      for (let o = 0; o < M; o++) {
        if (o === m) continue;
        const v = bestAbs[m][o * N + x];
        if (v > hi) { hi = v; arg = o; }
        if (v < lo) lo = v;
      }
      maxCorr[x] = hi;
      minCorr[x] = lo;
      partner[x] = arg;
    }
    const constantIds: number[] = [];
    for (let x = 0; x < N; x++) if (s.constant[m][x]) constantIds.push(x);
    const sites = s.sites.map((site, k) => {
      const keep: number[] = [];
      for (let u = 0; u < site.width; u++) if (!s.constant[m][offsets[k] + u]) keep.push(offsets[k] + u);
      const mx = Float64Array.from(keep, (x) => maxCorr[x]);
      const mn = Float64Array.from(keep, (x) => minCorr[x]);
      return {
        site: site.name,
        width: site.width,
        constant: site.width - keep.length,
        meanMaxCorr: mean(mx),
        medianMaxCorr: median(mx),
        meanMinCorr: mean(mn),
        medianMinCorr: median(mn),
        maxCorrHistogram: histogram(mx, bins),
        minCorrHistogram: histogram(mn, bins),
      };
    });
    const rankingMaxCorr = rankDescending(maxCorr);
    const topShared: SharedNeuron[] = [];
    for (const x of rankingMaxCorr) {
      if (topShared.length >= topK || maxCorr[x] <= 0) break;
      const o = partner[x];
      topShared.push({ neuron: x, partnerModel: o, partnerNeuron: bestNeuron[m][o * N + x], r: bestR[m][o * N + x] });
    }
    return {
      name,
      maxCorr,
      minCorr,
      bestAbs: bestAbs[m],
      bestNeuron: bestNeuron[m],
      bestR: bestR[m],
      rankingMaxCorr,
      rankingMinCorr: rankDescending(minCorr),
      constantNeurons: Int32Array.from(constantIds),
      sites,
      topShared,
    };
  });
}
