/**
 * Linear-regression probes (NeuroX's train_linear_regression_probe): one real value per row,
 * loss = mean squared error + l1 sum|w| + l2 ||w||_2 (NeuroX's penalties, penalty.ts), the weights
 * a [1 x neurons] row that NeuroX's rankings take as a single class. Built on the probe's data
 * interface (loadProbeData: validation, column statistics, in-memory or streamed batches) and the
 * Gemm products; the classifiers' trainers are untouched. Two modes, as for classifiers:
 *  - neurox: NeuroX's loop: Adam lr 1e-3, batches of 32 in order, 10 epochs, nn.Linear's init;
 *  - default: the same objective, optimised on standardised columns and target (V = W sigma /
 *    sd(target)), Adam with a proximal L1 step, shuffled batches of up to 512, every 10th batch
 *    held out to keep the best epoch and stop when it stalls.
 */
import { createGemm, type Gemm } from '../linalg/gemm';
import { GrainError, throwIfAborted } from '../errors';
import { seededRng } from '../random';
import { emptyHoldout, trainEpoch } from './epoch';
import { adamState, adamTick, adamUpdate, BETA1, BETA2, EPS, type AdamState } from './adam';
import { loadProbeData, type Batch, type ProbeData, type ProbeSource, type RowChunk } from './data';
import type { ProbeModel } from './model';
import { checkLambdas, frobenius, penaltyValue, type ElasticNet } from './penalty';
import type { TrainMode, TrainReport } from './types';

/** How a regression probe's training went (a classifier's report without accuracies; losses are MSE). */
export type RegressionTrainReport = Omit<TrainReport, 'trainAccuracy' | 'holdoutAccuracy'>;

export interface RegressionOptions {
  mode?: TrainMode;
  lambdaL1?: number;
  lambdaL2?: number;
  /** Neuron ids to train on; default all. */
  columns?: ArrayLike<number>;
  seed?: number;
  /** neurox: epochs run (10); default: the most epochs (20). */
  epochs?: number;
  /** neurox 32; default up to 512 (rows / 64, at least 16). */
  batchSize?: number;
  /** neurox 1e-3, default 4e-3. */
  learningRate?: number;
  memoryBytes?: number;
  gemm?: Gemm;
  file?: string;
  signal?: AbortSignal;
}

export interface TrainedRegression {
  /** classes = 1: one weight row and one bias. */
  model: ProbeModel;
  report: RegressionTrainReport;
  /** Standard deviation of each of the probe's columns over the training rows (model.columns order). */
  columnStd: Float64Array;
}

/**
 * Trains on the rows whose target is a number; NaN targets mark rows to skip (as y = -1 does for
 * classifiers). The rows' targets reach the batches through their ordinal among the kept rows,
 * passed as the "class" of each row, so batches may come in any order.
 */
export async function trainRegressionProbe(source: ProbeSource, targets: Float32Array, opts: RegressionOptions = {}): Promise<TrainedRegression> {
  const net = checkLambdas(opts.lambdaL1 ?? 0, opts.lambdaL2 ?? 0);
  if (targets.length !== source.rows) {
    throw new GrainError(`probe: ${targets.length} targets for ${source.rows} activation rows; they must match one to one`, { file: opts.file });
  }
  const ordinal = new Int32Array(targets.length).fill(-1);
  const kept: number[] = [];
  for (let r = 0; r < targets.length; r++) {
    const t = targets[r];
    if (Number.isNaN(t)) continue;
    if (!Number.isFinite(t)) throw new GrainError(`probe: target ${t} at row ${r} is not a finite number`, { file: opts.file });
    ordinal[r] = kept.length;
    kept.push(t);
  }
  if (kept.length < 2) throw new GrainError(`probe: ${kept.length} row(s) with a target; a regression probe needs at least two`, { file: opts.file });
  const t = Float64Array.from(kept);
  let mean = 0;
  for (const v of t) mean += v;
  mean /= t.length;
  let sq = 0;
  for (const v of t) sq += (v - mean) ** 2;
  const sd = Math.sqrt(sq / t.length);
  if (!(sd > 0)) throw new GrainError(`probe: every target is ${kept[0]}; a regression probe needs targets that vary`, { file: opts.file });
  const data = await loadProbeData(source, ordinal, {
    columns: opts.columns,
    classes: kept.length,
    memoryBytes: opts.memoryBytes,
    file: opts.file,
    signal: opts.signal,
  });
  const mode = opts.mode ?? 'default';
  const lr = opts.learningRate ?? (mode === 'neurox' ? 1e-3 : 4e-3);
  if (!(lr > 0 && Number.isFinite(lr))) throw new GrainError(`probe: learning rate must be a positive number, got ${lr}`);
  const gemm = opts.gemm ?? (await createGemm());
  try {
    const target = { values: t, mean, sd };
    if (mode === 'neurox') {
      return { ...(await trainNeuroxRegression(gemm, data, target, net, { epochs: count('epochs', opts.epochs, 10), batchSize: count('batch size', opts.batchSize, 32), lr, seed: opts.seed ?? 0, signal: opts.signal })), columnStd: data.std };
    }
    if (mode !== 'default') throw new GrainError(`probe: unknown training mode '${String(mode)}' (use 'default' or 'neurox')`);
    const batchSize = count('batch size', opts.batchSize, Math.max(16, Math.min(512, Math.floor(data.rows / 64))));
    return { ...(await trainDefaultRegression(gemm, data, target, net, { epochs: count('epochs', opts.epochs, 20), batchSize, lr, seed: opts.seed ?? 0, signal: opts.signal })), columnStd: data.std };
  } finally {
    if (!opts.gemm) await gemm.dispose();
  }
}

interface Target {
  /** Targets of the kept rows, by ordinal. */
  values: Float64Array;
  mean: number;
  sd: number;
}

interface LoopOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  signal?: AbortSignal;
}

function count(name: string, v: number | undefined, fallback: number): number {
  const x = v ?? fallback;
  if (!Number.isInteger(x) || x < 1) throw new GrainError(`probe: ${name} must be a positive integer, got ${x}`);
  return x;
}

/** Predictions of one batch, minus its targets: the residuals (in target units). */
async function residuals(gemm: Gemm, b: Batch, width: number, weights: Float32Array, offset: number, target: Target): Promise<Float32Array> {
  const pred = await gemm.abt(b.x, weights, b.rows, width, 1);
  for (let i = 0; i < b.rows; i++) pred[i] = pred[i] + offset - target.values[b.y[i]];
  return pred;
}

function sumSquares(r: Float32Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

async function trainNeuroxRegression(gemm: Gemm, data: ProbeData, target: Target, net: ElasticNet, o: LoopOptions): Promise<{ model: ProbeModel; report: RegressionTrainReport }> {
  const t0 = performance.now();
  const { width } = data;
  const rng = seededRng(o.seed);
  const bound = 1 / Math.sqrt(width);
  const w = Float32Array.from({ length: width }, () => (rng() * 2 - 1) * bound);
  const bias = Float32Array.from({ length: 1 }, () => (rng() * 2 - 1) * bound);
  const sW = adamState(width);
  const sB = adamState(1);
  let flops = 0;
  let gemmMs = 0;
  let steps = 0;
  let loss = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    loss = 0;
    for await (const b of data.batches(o.batchSize)) {
      throwIfAborted(o.signal);
      const g0 = performance.now();
      const r = await residuals(gemm, b, width, w, bias[0], target);
      loss += sumSquares(r);
      // d mean(r^2) / d w = 2/n X^T r; the bias gets 2/n sum(r).
      let rs = 0;
      for (let i = 0; i < b.rows; i++) rs += r[i] *= 2 / b.rows;
      const g = await gemm.atb(r, b.x, b.rows, 1, width);
      gemmMs += performance.now() - g0;
      flops += 4 * b.rows * width;
      if (net.l1 > 0 || net.l2 > 0) {
        const norm = frobenius(w);
        const l2 = norm > 0 ? net.l2 / norm : 0;
        for (let j = 0; j < width; j++) g[j] += net.l1 * Math.sign(w[j]) + l2 * w[j];
      }
      adamTick(sW, sB);
      adamUpdate(sW, w, g, o.lr);
      adamUpdate(sB, bias, Float32Array.of(rs), o.lr);
      steps++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    model: { classes: 1, columns: data.columns, weights: w, bias },
    report: { mode: 'neurox', epochs: o.epochs, steps, batchRows: o.batchSize, seconds, flops, gflops: flops / seconds / 1e9, gemmGflops: flops / (gemmMs / 1000) / 1e9, trainLoss: loss / data.rows, stoppedBecause: 'epochs' },
  };
}

/** Columns whose std is below this fraction of the largest are treated as constant (as the default classifier). */
const CONSTANT = 1e-7;
/** Every 10th batch is held out for early stopping; streamed data is shuffled within windows of 64 batches. */
const HOLDOUT_EVERY = 10;
const SHUFFLE_WINDOW = 64;

async function trainDefaultRegression(gemm: Gemm, data: ProbeData, target: Target, net: ElasticNet, o: LoopOptions): Promise<{ model: ProbeModel; report: RegressionTrainReport }> {
  const t0 = performance.now();
  const { width, mean: mu } = data;
  const rng = seededRng(o.seed);
  const maxStd = data.std.reduce((a, b) => Math.max(a, b), 0);
  // W_j = u_j * scale_j with scale_j = sd(target) / sigma_j; 0 for constant columns.
  const scale = new Float64Array(width);
  const l1PerCol = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    const live = data.std[j] > CONSTANT * maxStd;
    scale[j] = live ? target.sd / data.std[j] : 0;
    // The objective is divided by sd(target)^2, so the penalty on u_j is l1 scale_j / sd^2.
    l1PerCol[j] = live ? (net.l1 * scale[j]) / target.sd ** 2 : Infinity;
  }
  const u = new Float32Array(width);
  // Bias in standardised units: 0 is the target mean, where an all-zero u puts it anyway.
  let c = 0;
  const W = new Float32Array(width);
  let offset = 0;
  const fold = () => {
    let off = target.mean + target.sd * c;
    for (let j = 0; j < width; j++) {
      W[j] = u[j] * scale[j];
      off -= W[j] * mu[j];
    }
    offset = off;
  };
  const sU = adamState(width);
  const sC = adamState(1);
  let lr = o.lr;
  let flops = 0;
  let stepMs = 0;
  let steps = 0;
  const holdout = emptyHoldout();
  const best = { loss: Infinity, epoch: 0, u: new Float32Array(width), c: 0 };
  let stalls = 0;
  let stoppedBecause: TrainReport['stoppedBecause'] = 'epochs';
  let trainLoss = 0;
  let trainRows = 0;
  let epoch: number;
  const inv2 = 1 / target.sd ** 2;

  const trainOn = async (b: Batch) => {
    throwIfAborted(o.signal);
    fold();
    const s0 = performance.now();
    const r = await residuals(gemm, b, width, W, offset, target);
    trainLoss += sumSquares(r);
    trainRows += b.rows;
    // Standardised residuals e = r / sd, scaled by 2/n: then g = X^T e and dJ/du_j = (g_j - mu_j sum e) scale_j / sd.
    let es = 0;
    const k = 2 / (b.rows * target.sd);
    for (let i = 0; i < b.rows; i++) es += r[i] *= k;
    const g = await gemm.atb(r, b.x, b.rows, 1, width);
    stepMs += performance.now() - s0;
    flops += 4 * b.rows * width;
    const norm = net.l2 > 0 ? frobenius(W) : 0;
    const l2 = norm > 0 ? (net.l2 * inv2) / norm : 0;
    for (let j = 0; j < width; j++) g[j] = ((g[j] - mu[j] * es) / target.sd + l2 * W[j]) * scale[j];
    adamTick(sU, sC);
    proxAdam(sU, u, g, lr, l1PerCol);
    const cv = Float32Array.of(c);
    adamUpdate(sC, cv, Float32Array.of(es), lr);
    c = cv[0];
    steps++;
  };

  const heldOutObjective = async () => {
    fold();
    let sum = 0;
    for (const h of holdout.batches) {
      sum += sumSquares(await residuals(gemm, h, width, W, offset, target));
      flops += 2 * h.rows * width;
    }
    return sum / holdout.rows + penaltyValue(W, net);
  };

  for (epoch = 1; epoch <= o.epochs; epoch++) {
    trainLoss = 0;
    trainRows = 0;
    await trainEpoch(data, { batchSize: o.batchSize, holdoutEvery: HOLDOUT_EVERY, shuffleWindow: SHUFFLE_WINDOW }, rng, holdout, trainOn);
    let objective: number;
    if (holdout.rows > 0) objective = await heldOutObjective();
    else {
      fold();
      objective = trainLoss / trainRows + penaltyValue(W, net);
    }
    const gain = best.loss === Infinity ? Infinity : (best.loss - objective) / Math.abs(best.loss);
    if (objective < best.loss) {
      best.loss = objective;
      best.epoch = epoch;
      best.u.set(u);
      best.c = c;
    }
    if (!(gain > 0)) {
      stalls++;
      lr /= 2;
      if (stalls > 2) {
        stoppedBecause = 'no-improvement';
        break;
      }
    } else if (gain < 1e-3) {
      stoppedBecause = 'converged';
      break;
    }
  }
  if (holdout.rows > 0) {
    u.set(best.u);
    c = best.c;
  }
  fold();
  const seconds = (performance.now() - t0) / 1000;
  return {
    model: { classes: 1, columns: data.columns, weights: W, bias: Float32Array.of(offset) },
    report: {
      mode: 'default',
      epochs: Math.min(epoch, o.epochs),
      steps,
      batchRows: o.batchSize,
      seconds,
      flops,
      gflops: flops / seconds / 1e9,
      gemmGflops: flops / (stepMs / 1000) / 1e9,
      trainLoss: trainLoss / Math.max(1, trainRows),
      ...(holdout.rows > 0 ? { holdoutRows: holdout.rows, holdoutLoss: best.loss, bestEpoch: best.epoch } : {}),
      stoppedBecause,
    },
  };
}

/** Adam's moment update, then the L1 soft threshold at each coordinate's own step size. */
function proxAdam(state: AdamState, v: Float32Array, g: Float32Array, lr: number, l1PerCol: Float64Array): void {
  const { m, v: s, t } = state;
  const invBc1 = 1 / (1 - BETA1 ** t);
  const invSqrtBc2 = 1 / Math.sqrt(1 - BETA2 ** t);
  for (let i = 0; i < v.length; i++) {
    const gi = g[i];
    const mi = BETA1 * m[i] + (1 - BETA1) * gi;
    const si = BETA2 * s[i] + (1 - BETA2) * gi * gi;
    m[i] = mi;
    s[i] = si;
    const step = lr / (Math.sqrt(si) * invSqrtBc2 + EPS);
    const p = v[i] - step * mi * invBc1;
    const thr = step * l1PerCol[i];
    v[i] = p > thr ? p - thr : p < -thr ? p + thr : 0;
  }
}

export interface ValuePredictOptions {
  /** Neuron ids set to 0 before predicting (the zero-out experiment). */
  zeroOut?: ArrayLike<number>;
  chunkRows?: number;
  gemm?: Gemm;
  signal?: AbortSignal;
}

/** The regression probe's value for every row of a source. */
export async function predictValues(model: ProbeModel, source: ProbeSource, opts: ValuePredictOptions = {}): Promise<Float32Array> {
  if (model.classes !== 1) throw new GrainError(`a regression probe has one output, this one has ${model.classes}`);
  const n = source.neurons;
  const weights = new Float32Array(n);
  model.columns.forEach((c, j) => {
    if (c >= n) throw new GrainError(`probe uses neuron ${c} but the activations have ${n} neurons`);
    weights[c] = model.weights[j];
  });
  for (const z of Array.from(opts.zeroOut ?? [])) weights[z] = 0;
  const out = new Float32Array(source.rows);
  const gemm = opts.gemm ?? (await createGemm());
  try {
    for await (const chunk of source.chunks(opts.chunkRows ?? 4096) as AsyncIterable<RowChunk>) {
      throwIfAborted(opts.signal);
      const p = await gemm.abt(chunk.data, weights, chunk.rows, n, 1);
      for (let r = 0; r < chunk.rows; r++) out[chunk.start + r] = p[r] + model.bias[0];
    }
  } finally {
    if (!opts.gemm) await gemm.dispose();
  }
  return out;
}
