/**
 * The Gaussian probe (Torroba Hennigen, Williams & Cotterell, EMNLP 2020; NeuroX's
 * interpretation/gaussian_probe.py): each class is a multivariate Gaussian over the neurons with
 * NeuroX's parameters (mean: the class mean; covariance: (diag of the class's sample covariance +
 * its scatter matrix) / (N_c + 2D + 4), D = all the neurons given, whatever the subset evaluated),
 * the prior is the class frequency, and neurons are chosen greedily: each step adds the neuron
 * whose addition gives the highest mutual information between the labels and the classifier's
 * posterior on the training rows, I = (H(prior) - mean(-log p(y | x))) / ln 2 bits (ties: the
 * lower neuron, as NeuroX).
 *
 * With D large against a class's N_c that covariance is far narrower than the class's rows (a
 * factor N_c / (N_c + 2D + 4)), so each added neuron makes those rows' posteriors more confidently
 * wrong: along the greedy steps the estimate can peak and then fall, even below zero, while the
 * accuracy rises. That is NeuroX's estimator (test/helpers/gaussian-reference.ts computes it
 * directly); the CLI and the report say so (src/shared/rankings.ts, gaussianReading).
 *
 * NeuroX fits a fresh D'-dimensional Gaussian per candidate and step (O(D'^3 + rows D'^2) each),
 * which it documents as feasible only for a few hundred neurons. Here every class keeps the
 * Cholesky factor of its covariance over the chosen neurons and, for every candidate, the
 * residual of the candidate given the chosen ones on every row; adding a neuron extends the
 * factor by one column and updates the residuals by a rank-1 step, so a step costs
 * O(classes x rows x neurons) whatever the number already chosen. All of it in float64 except the
 * residuals of large problems (float32, refreshed exactly each step from float64 factors).
 *
 * Classes with fewer than two training rows have no covariance (NeuroX would fail on them): they
 * and their rows are left out. When `maxRows` is below the training rows, the mutual information
 * is measured on a seeded sample of them (the Gaussians still use every row).
 */
import { GrainError, throwIfAborted } from '../errors';
import type { ProbeData } from '../probe/data';
import { seededRng, shuffleInPlace } from '../random';
import { classMoments } from './labelled-rows';

export interface GaussianOptions {
  /** Greedy steps; the other neurons follow in the order of the gain they would add at the last step. Default: all. */
  maxNeurons?: number;
  /**
   * Rows the mutual information is measured on (a seeded sample when there are more); default:
   * all, up to what keeps the residuals near 2^27 values (classes x rows x neurons), at least 1000.
   */
  maxRows?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface GaussianStep {
  /** Neurons chosen so far (this step's included). */
  neurons: number;
  /** Column chosen at this step. */
  column: number;
  /** Mutual information (bits) between labels and the posterior on the evaluation rows. */
  mutualInformation: number;
  /** Accuracy of the Gaussian classifier's argmax on the evaluation rows. */
  accuracy: number;
}

export interface GaussianRanking {
  /** Columns, the greedy choices first. */
  ordering: Int32Array;
  /** Per column: the mutual information (bits) with it added (to the neurons chosen before it; the rest: to all chosen); NaN if never scored. */
  scores: Float64Array;
  steps: GaussianStep[];
  /** Rows the information was measured on. */
  evaluationRows: number;
  /** Entropy of the class prior, bits (the most information any selection can reach). */
  entropyBits: number;
  /** Classes left out for having fewer than two training rows, with their row counts. */
  leftOut: { cls: number; rows: number }[];
}

/** Residuals above this many values are kept in float32 (half the memory). */
const FLOAT64_VALUES = 2 ** 24;
/** The residuals the default row sample is sized for (512 MiB in float32). */
const DEFAULT_VALUES = 2 ** 27;
/**
 * A class's term below the running maximum by more than this adds under exp(-37) < 2^-53 to a sum
 * of at least 1: less than float64 rounds away. Its exp (most of a step's time) is skipped.
 */
const NEGLIGIBLE = -37;
/** A candidate whose conditional variance falls below this share of its variance is determined by the chosen neurons. */
const DEGENERATE = 1e-12;

export async function gaussianRanking(data: ProbeData, opts: GaussianOptions = {}): Promise<GaussianRanking> {
  const { width: W, classes: C } = data;
  const signal = opts.signal;
  const m = await classMoments(data, signal);
  const kept: number[] = [];
  const leftOut: { cls: number; rows: number }[] = [];
  for (let c = 0; c < C; c++) {
    if (m.count[c] >= 2) kept.push(c);
    else if (m.count[c] > 0) leftOut.push({ cls: c, rows: m.count[c] });
  }
  if (kept.length < 2) throw new GrainError(`the Gaussian probe needs at least two classes with two or more training rows; these have ${kept.length}`);
  const K = kept.length;
  const slot = new Int32Array(C).fill(-1);
  kept.forEach((c, k) => (slot[c] = k));
  let total = 0;
  for (const c of kept) total += m.count[c];
  const logPrior = Float64Array.from(kept, (c) => Math.log(m.count[c] / total));
  let entropy = 0;
  for (let k = 0; k < K; k++) entropy -= Math.exp(logPrior[k]) * logPrior[k];
  const den = Float64Array.from(kept, (c) => m.count[c] + 2 * W + 4);
  const mean = new Float64Array(K * W);
  const variance = new Float64Array(K * W);
  kept.forEach((c, k) => {
    mean.set(m.mean.subarray(c * W, (c + 1) * W), k * W);
    variance.set(m.variance.subarray(c * W, (c + 1) * W), k * W);
  });

  const maxSteps = Math.min(opts.maxNeurons ?? W, W);
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new GrainError(`the number of neurons to choose must be a positive integer, got ${opts.maxNeurons}`);
  const maxRows = opts.maxRows ?? Math.min(total, Math.max(1000, Math.floor(DEFAULT_VALUES / (K * W))));
  const evalSet = await evaluationRows(data, slot, total, maxRows, opts.seed ?? 0, signal);
  const M = evalSet.rows;
  const yEval = evalSet.y;
  const values = K * M * W;
  if (values > 2 ** 31 - 1) {
    throw new GrainError(`the Gaussian probe would hold ${K} classes x ${M} rows x ${W} neurons of residuals; measure on fewer rows (--max-rows) or fewer neurons (--layers)`);
  }
  // E[(k * M + r) * W + j]: residual of neuron j on evaluation row r under class k's Gaussian, given the chosen neurons.
  const E = values <= FLOAT64_VALUES ? new Float64Array(values) : new Float32Array(values);
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < M; r++) {
      const o = (k * M + r) * W;
      for (let j = 0; j < W; j++) E[o + j] = evalSet.x[r * W + j] - mean[k * W + j];
    }
  }
  evalSet.x = new Float32Array(0);
  // Conditional variance of each candidate given the chosen neurons, per class; starts at the diagonal of sigma.
  const d2 = new Float64Array(K * W);
  for (let k = 0; k < K; k++) for (let j = 0; j < W; j++) d2[k * W + j] = (m.count[kept[k]] * variance[k * W + j]) / den[k];
  // L[(k * maxSteps + s) * W + j]: column s of class k's Cholesky factor over (chosen..., j).
  const L = new Float64Array(K * maxSteps * W);
  const logdet = new Float64Array(K);
  const q = new Float64Array(K * M);
  const chosen = new Uint8Array(W);
  const dead = new Uint8Array(W);
  const order: number[] = [];
  const scores = new Float64Array(W).fill(NaN);
  const steps: GaussianStep[] = [];

  for (let s = 0; s <= maxSteps; s++) {
    throwIfAborted(signal);
    for (let j = 0; j < W; j++) {
      if (chosen[j] || dead[j]) continue;
      for (let k = 0; k < K; k++) {
        const sigma = (m.count[kept[k]] * variance[k * W + j]) / den[k];
        if (!(d2[k * W + j] > DEGENERATE * sigma)) dead[j] = 1;
      }
    }
    if (s === maxSteps || order.length + countSet(dead) === W) {
      // The rest, by what each would add to the chosen neurons.
      if (order.length < W) {
        const { info } = evaluate(E, d2, logdet, q, logPrior, yEval, chosen, dead, K, M, W, entropy);
        const rest: number[] = [];
        for (let j = 0; j < W; j++) if (!chosen[j] && !dead[j]) rest.push(j);
        rest.sort((a, b) => info[b] - info[a] || a - b);
        for (const j of rest) {
          scores[j] = info[j];
          order.push(j);
        }
        for (let j = 0; j < W; j++) if (dead[j] && !chosen[j]) order.push(j);
      }
      break;
    }
    const { info, accuracy } = evaluate(E, d2, logdet, q, logPrior, yEval, chosen, dead, K, M, W, entropy);
    let best = -1;
    for (let j = 0; j < W; j++) if (!chosen[j] && !dead[j] && (best < 0 || info[j] > info[best])) best = j;
    if (best < 0) break;
    scores[best] = info[best];
    steps.push({ neurons: s + 1, column: best, mutualInformation: info[best], accuracy: accuracy[best] });
    order.push(best);
    const column = await scatterColumn(data, best, slot, mean, K, W, signal);
    extend(best, s, column, E, d2, L, logdet, q, den, chosen, dead, K, M, W, maxSteps);
    chosen[best] = 1;
    opts.onProgress?.(s + 1, maxSteps);
  }
  return { ordering: Int32Array.from(order), scores, steps, evaluationRows: M, entropyBits: entropy / Math.LN2, leftOut };
}

function countSet(a: Uint8Array): number {
  let n = 0;
  for (const v of a) n += v;
  return n;
}

/**
 * Mutual information (bits) and accuracy on the evaluation rows with each candidate added:
 * log p(y | x) = a_y - logsumexp_k a_k, a_k = log prior_k - (log det_k + quadratic form_k) / 2 with
 * the candidate's term (log d2 + e^2 / d2) added (the 2 pi terms cancel).
 */
function evaluate(
  E: Float64Array | Float32Array,
  d2: Float64Array,
  logdet: Float64Array,
  q: Float64Array,
  logPrior: Float64Array,
  y: Int32Array,
  chosen: Uint8Array,
  dead: Uint8Array,
  K: number,
  M: number,
  W: number,
  entropy: number,
): { info: Float64Array; accuracy: Float64Array } {
  const inv = new Float64Array(K * W);
  const logd2 = new Float64Array(K * W);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < W; j++) {
      if (chosen[j] || dead[j]) continue;
      inv[k * W + j] = 1 / d2[k * W + j];
      logd2[k * W + j] = Math.log(d2[k * W + j]);
    }
  }
  const own = new Float64Array(W);
  const mx = new Float64Array(W);
  const arg = new Int32Array(W);
  const sum = new Float64Array(W);
  const logLik = new Float64Array(W);
  const correct = new Float64Array(W);
  for (let r = 0; r < M; r++) {
    // The true class first: its term starts every candidate's running log-sum-exp.
    const yr = y[r];
    {
      const base = logPrior[yr] - 0.5 * (logdet[yr] + q[yr * M + r]);
      const e = (yr * M + r) * W;
      const o = yr * W;
      for (let j = 0; j < W; j++) {
        const v = E[e + j];
        const a = base - 0.5 * (logd2[o + j] + v * v * inv[o + j]);
        own[j] = a;
        mx[j] = a;
        sum[j] = 1;
        arg[j] = yr;
      }
    }
    for (let k = 0; k < K; k++) {
      if (k === yr) continue;
      const base = logPrior[k] - 0.5 * (logdet[k] + q[k * M + r]);
      const e = (k * M + r) * W;
      const o = k * W;
      for (let j = 0; j < W; j++) {
        const v = E[e + j];
        const d = base - 0.5 * (logd2[o + j] + v * v * inv[o + j]) - mx[j];
        if (d > 0) {
          sum[j] = sum[j] * Math.exp(-d) + 1;
          mx[j] += d;
          arg[j] = k;
        } else if (d > NEGLIGIBLE) {
          sum[j] += Math.exp(d);
        }
      }
    }
    for (let j = 0; j < W; j++) {
      logLik[j] += own[j] - mx[j] - Math.log(sum[j]);
      if (arg[j] === yr) correct[j]++;
    }
  }
  const info = new Float64Array(W);
  const accuracy = new Float64Array(W);
  for (let j = 0; j < W; j++) {
    info[j] = chosen[j] || dead[j] ? NaN : (entropy + logLik[j] / M) / Math.LN2;
    accuracy[j] = correct[j] / M;
  }
  return { info, accuracy };
}

/** The chosen neuron's column of every class's scatter matrix, sum over the class's rows of (x_j - mean_j)(x_n - mean_n), in one pass. */
async function scatterColumn(data: ProbeData, n: number, slot: Int32Array, mean: Float64Array, K: number, W: number, signal?: AbortSignal): Promise<Float64Array> {
  const col = new Float64Array(K * W);
  for await (const b of data.batches(8192)) {
    throwIfAborted(signal);
    for (let i = 0; i < b.rows; i++) {
      const k = slot[b.y[i]];
      if (k < 0) continue;
      const row = i * W;
      const o = k * W;
      const dn = b.x[row + n] - mean[o + n];
      for (let j = 0; j < W; j++) col[o + j] += (b.x[row + j] - mean[o + j]) * dn;
    }
  }
  return col;
}

/** Adds neuron n as the s-th chosen one: a new column of every class's Cholesky factor, and the rank-1 update of the residuals. */
function extend(
  n: number,
  s: number,
  scatter: Float64Array,
  E: Float64Array | Float32Array,
  d2: Float64Array,
  L: Float64Array,
  logdet: Float64Array,
  q: Float64Array,
  den: Float64Array,
  chosen: Uint8Array,
  dead: Uint8Array,
  K: number,
  M: number,
  W: number,
  maxSteps: number,
): void {
  const coef = new Float64Array(W);
  for (let k = 0; k < K; k++) {
    const o = k * W;
    const dn = d2[o + n];
    const root = Math.sqrt(dn);
    logdet[k] += Math.log(dn);
    const col = (k * maxSteps + s) * W;
    coef.fill(0);
    for (let j = 0; j < W; j++) {
      if (chosen[j] || dead[j] || j === n) continue;
      // sigma[j, n] minus what the chosen neurons already explain, over the new pivot.
      let v = scatter[o + j] / den[k];
      for (let t = 0; t < s; t++) {
        const c = (k * maxSteps + t) * W;
        v -= L[c + j] * L[c + n];
      }
      const l = v / root;
      L[col + j] = l;
      coef[j] = l;
      d2[o + j] -= l * l;
    }
    L[col + n] = root;
    for (let r = 0; r < M; r++) {
      const e = (k * M + r) * W;
      const z = E[e + n] / root;
      q[k * M + r] += z * z;
      for (let j = 0; j < W; j++) E[e + j] -= coef[j] * z;
    }
  }
}

/** The evaluation rows (a seeded sample of at most maxRows, in data order) of the kept classes: values, and class slots as labels. */
async function evaluationRows(
  data: ProbeData,
  slot: Int32Array,
  keptRows: number,
  maxRows: number,
  seed: number,
  signal?: AbortSignal,
): Promise<{ rows: number; x: Float32Array; y: Int32Array }> {
  const W = data.width;
  const limit = maxRows;
  if (!Number.isInteger(limit) || limit < 1) throw new GrainError(`the rows to measure on must be a positive integer, got ${maxRows}`);
  let take: Uint8Array | null = null;
  if (limit < keptRows) {
    const picks = shuffleInPlace(Int32Array.from({ length: keptRows }, (_, i) => i), seededRng(seed)).subarray(0, limit);
    take = new Uint8Array(keptRows);
    for (const p of picks) take[p] = 1;
  }
  const rows = Math.min(limit, keptRows);
  const x = new Float32Array(rows * W);
  const y = new Int32Array(rows);
  let seen = 0;
  let at = 0;
  for await (const b of data.batches(8192)) {
    throwIfAborted(signal);
    for (let i = 0; i < b.rows; i++) {
      const k = slot[b.y[i]];
      if (k < 0) continue;
      if (!take || take[seen]) {
        x.set(b.x.subarray(i * W, (i + 1) * W), at * W);
        y[at++] = k;
      }
      seen++;
    }
  }
  return { rows, x, y };
}
