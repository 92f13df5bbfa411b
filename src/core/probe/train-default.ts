/**
 * The default trainer. It minimises the same objective as NeuroX (mean CE + l1 sum|W| +
 * l2 ||W||_2 on the activations' own scale, bias free), so its weights rank neurons exactly as
 * NeuroX's would at the optimum; it only finds that optimum faster:
 *  - it optimises V = W * sigma on standardised columns (mean/std in float64), which removes
 *    the bias/weight coupling and the spread of neuron scales that slow Adam down. Standardising
 *    is folded into the products (X W^T with W = V / sigma, the mean into the bias), so X is
 *    never copied or rescaled;
 *  - batches of up to 2048 rows, the batch order shuffled per epoch from a seed; each step
 *    (both products, softmax, the gradient and the update) is one runtime call (see
 *    prox-adam-step.ts), so the products run near the machine's peak and JS does almost nothing;
 *  - the L1 term by a proximal step (soft threshold at the per-coordinate Adam step size times
 *    l1 / sigma), which can reach exact zeros, where a subgradient only jitters around them; the
 *    L2 norm is smooth away from W = 0 and goes into the gradient;
 *  - the learning rate falls linearly to 0 over a fixed budget of steps (4 epochs, at least
 *    MIN_STEPS steps of STEP_ROWS rows; a bigger batch's step counts for more): on Brown POS this reaches in 4 epochs the held-out loss that constant
 *    rates with halving reached in 8 to 12, since Adam's noise only dies down as its step does;
 *  - every 10th batch is held out; after each epoch the held-out objective decides which
 *    weights to keep, and training stops early when it fails to improve `patience` epochs in a row.
 * Weights are returned on the original scale (W = V / sigma, bias - W mu).
 */
import type { Gemm } from '../linalg/gemm';
import { throwIfAborted } from '../errors';
import { adamState } from './adam';
import type { Batch, ProbeData } from './data';
import type { ProbeModel } from './model';
import { penaltyValue, type ElasticNet } from './penalty';
import { seededRng } from '../random';
import { emptyHoldout, trainEpoch } from './epoch';
import { crossEntropyEval } from './step';
import { proxAdamStep } from './prox-adam-step';
import type { TrainProgress, TrainReport } from './types';

export interface DefaultOptions {
  /** Length of the learning-rate schedule; default: DEFAULT_EPOCHS, more when that is under MIN_STEPS steps. */
  epochs?: number;
  batchSize: number;
  /** The rate at the first step; it falls linearly to 0 at the end of the last epoch. */
  learningRate: number;
  /** Hold out every `holdoutEvery`-th batch for early stopping; 0 trains on all rows for every epoch. */
  holdoutEvery: number;
  /** Epochs in a row without a better held-out objective before stopping. */
  patience: number;
  seed: number;
  /** Streamed data is shuffled within windows of this many batches. */
  shuffleWindow: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

/** Columns whose std is below this fraction of the largest are treated as constant. */
const CONSTANT = 1e-7;
export const DEFAULT_EPOCHS = 4;
/** Small data gets more epochs so that the schedule still takes this many steps (of STEP_ROWS rows, or fewer). */
export const MIN_STEPS = 300;
/**
 * A step of b > STEP_ROWS rows counts as b / STEP_ROWS steps towards MIN_STEPS: on Brown 5,000
 * sentences, 4 epochs of 1,566-row batches (232 steps) reached 87.62% where 1,024-row ones reached
 * 87.75%, and counting them as 300 would have meant 6 epochs and half as long again.
 */
const STEP_ROWS = 1024;

export async function trainDefault(gemm: Gemm, data: ProbeData, net: ElasticNet, opts: DefaultOptions): Promise<{ model: ProbeModel; report: TrainReport }> {
  const t0 = performance.now();
  const { width, classes } = data;
  const rng = seededRng(opts.seed);
  const maxStd = data.std.reduce((a, b) => Math.max(a, b), 0);
  const sigma = new Float64Array(width);
  // 1/sigma, 0 for constant columns: their standardised value is 0, so V stays 0 there.
  const invSigma = new Float64Array(width);
  const live = new Uint8Array(width);
  const mean = data.mean;
  for (let j = 0; j < width; j++) {
    live[j] = data.std[j] > CONSTANT * maxStd ? 1 : 0;
    sigma[j] = live[j] ? data.std[j] : 1;
    invSigma[j] = live[j] ? 1 / sigma[j] : 0;
  }
  const l1PerCol = new Float64Array(width);
  for (let j = 0; j < width; j++) l1PerCol[j] = live[j] ? net.l1 / sigma[j] : Infinity;

  // Parameters in standardised coordinates; zero start: the problem is convex.
  // Start the bias at the log class priors, which is where an all-zero V would take it anyway.
  const b0 = new Float32Array(classes);
  for (let c = 0; c < classes; c++) b0[c] = Math.log((data.classCounts[c] + 1) / (data.rows + classes));
  // Each step replaces these arrays with the runtime's outputs.
  const params = { v: new Float32Array(classes * width), b: b0, sV: adamState(classes * width), sB: adamState(classes) };
  const W = new Float32Array(classes * width);
  const offset = new Float32Array(classes);
  const step = await proxAdamStep(gemm, opts.batchSize, width, classes, {
    invSigma: Float32Array.from(invSigma),
    mean: Float32Array.from(mean),
    l1PerCol: Float32Array.from(l1PerCol),
  });

  function fold(): void {
    const V = params.v;
    for (let c = 0; c < classes; c++) {
      let off = params.b[c];
      const row = c * width;
      for (let j = 0; j < width; j++) {
        const w = V[row + j] * invSigma[j];
        W[row + j] = w;
        off -= w * mean[j];
      }
      offset[c] = off;
    }
  }

  // The schedule's length in steps: batches per epoch less the held-out ones.
  const batchesPerEpoch = Math.ceil(data.rows / opts.batchSize);
  const trainBatches = Math.max(1, batchesPerEpoch - (opts.holdoutEvery > 0 ? Math.floor(batchesPerEpoch / opts.holdoutEvery) : 0));
  const minSteps = Math.ceil(MIN_STEPS * Math.min(1, STEP_ROWS / opts.batchSize));
  const epochs = opts.epochs ?? Math.max(DEFAULT_EPOCHS, Math.ceil(minSteps / trainBatches));
  const totalSteps = epochs * trainBatches;

  let flops = 0;
  let stepMs = 0;
  let steps = 0;
  const holdout = emptyHoldout();
  const best = { loss: Infinity, acc: 0, epoch: 0, V: new Float32Array(classes * width), b: new Float32Array(classes) };
  let stalls = 0;
  let stoppedBecause: TrainReport['stoppedBecause'] = 'epochs';
  let trainLoss = 0;
  let trainCorrect = 0;
  let trainRows = 0;
  let epoch: number;

  async function trainOn(batch: Batch): Promise<void> {
    throwIfAborted(opts.signal);
    const s0 = performance.now();
    const lr = opts.learningRate * Math.max(0, 1 - steps / totalSteps);
    const r = await step(batch, params, lr, net.l2);
    stepMs += performance.now() - s0;
    flops += r.flops;
    trainLoss += r.loss;
    trainCorrect += r.correct;
    trainRows += batch.rows;
    steps++;
  }

  async function holdoutLoss(): Promise<{ loss: number; acc: number }> {
    fold();
    let loss = 0;
    let correct = 0;
    for (const h of holdout.batches) {
      const r = await crossEntropyEval(gemm, h.x, h.y, h.rows, width, W, offset, classes);
      loss += r.loss;
      correct += r.correct;
      flops += r.flops;
    }
    let abs = 0;
    let sq = 0;
    for (let i = 0; i < W.length; i++) {
      abs += Math.abs(W[i]);
      sq += W[i] * W[i];
    }
    return { loss: loss / holdout.rows + net.l1 * abs + net.l2 * Math.sqrt(sq), acc: correct / holdout.rows };
  }

  for (epoch = 1; epoch <= epochs; epoch++) {
    trainLoss = 0;
    trainCorrect = 0;
    trainRows = 0;
    await trainEpoch(data, opts, rng, holdout, trainOn);
    const progress: TrainProgress = { epoch, epochs, trainLoss: trainLoss / trainRows, trainAccuracy: trainCorrect / trainRows };
    // The held-out objective decides when there is a held-out slice, else the epoch's own.
    let objective: number;
    let acc: number;
    if (holdout.rows > 0) {
      const h = await holdoutLoss();
      progress.holdoutLoss = h.loss;
      progress.holdoutAccuracy = h.acc;
      objective = h.loss;
      acc = h.acc;
    } else {
      fold();
      objective = trainLoss / trainRows + penaltyValue(W, net);
      acc = trainCorrect / trainRows;
    }
    opts.onProgress?.(progress);
    if (objective < best.loss) {
      best.loss = objective;
      best.acc = acc;
      best.epoch = epoch;
      best.V.set(params.v);
      best.b.set(params.b);
      stalls = 0;
    } else if (++stalls >= opts.patience && epoch < epochs) {
      stoppedBecause = 'no-improvement';
      break;
    }
  }
  if (holdout.rows > 0) {
    params.v = best.V;
    params.b = best.b;
  }
  fold();
  const seconds = (performance.now() - t0) / 1000;
  return {
    model: { classes, columns: data.columns, weights: W, bias: offset },
    report: {
      mode: 'default',
      epochs: Math.min(epoch, epochs),
      steps,
      batchRows: opts.batchSize,
      seconds,
      flops,
      gflops: flops / seconds / 1e9,
      gemmGflops: flops / (stepMs / 1000) / 1e9,
      trainLoss: trainLoss / Math.max(1, trainRows),
      trainAccuracy: trainCorrect / Math.max(1, trainRows),
      ...(holdout.rows > 0 ? { holdoutRows: holdout.rows, holdoutLoss: best.loss, holdoutAccuracy: best.acc, bestEpoch: best.epoch } : {}),
      stoppedBecause,
    },
  };
}
