/**
 * The default trainer. It minimises the same objective as NeuroX (mean CE + l1 sum|W| +
 * l2 ||W||_2 on the activations' own scale, bias free), so its weights rank neurons exactly as
 * NeuroX's would at the optimum; it only finds that optimum faster:
 *  - it optimises V = W * sigma on standardised columns (mean/std in float64), which removes
 *    the bias/weight coupling and the spread of neuron scales that slow Adam down. Standardising
 *    is folded into the products (X W^T with W = V / sigma, the mean into the bias), so X is
 *    never copied or rescaled;
 *  - batches of 512 rows (the products run near peak, few JS updates per epoch), shuffled batch order per epoch from a seed;
 *  - the L1 term by a proximal step (soft threshold at the per-coordinate Adam step size times
 *    l1 / sigma), which can reach exact zeros, where a subgradient only jitters around them; the
 *    L2 norm is smooth away from W = 0 and goes into the gradient;
 *  - every 10th batch is held out; after each epoch the held-out loss decides: keep the best
 *    weights, halve the learning rate when it did not improve, stop when it stalls twice or
 *    improves by less than `tolerance`.
 * Weights are returned on the original scale (W = V / sigma, bias - W mu).
 */
import type { Gemm } from '../linalg/gemm';
import { throwIfAborted } from '../errors';
import { adamState, adamTick, BETA1, BETA2, EPS, type AdamState } from './adam';
import type { Batch, ProbeData } from './data';
import type { ProbeModel } from './model';
import { penaltyValue, type ElasticNet } from './penalty';
import { seededRng, shuffleInPlace } from '../random';
import { crossEntropyEval, crossEntropyStep } from './step';
import type { TrainProgress, TrainReport } from './types';

export interface DefaultOptions {
  maxEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Hold out every `holdoutEvery`-th batch for early stopping; 0 trains on all and runs maxEpochs. */
  holdoutEvery: number;
  /** Stop when the held-out loss improves by less than this fraction. */
  tolerance: number;
  /** Learning-rate halvings allowed before stopping. */
  patience: number;
  seed: number;
  /** Streamed data is shuffled within windows of this many batches. */
  shuffleWindow: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

/** Columns whose std is below this fraction of the largest are treated as constant. */
const CONSTANT = 1e-7;

/** Adam moment update, then the proximal L1 step at each coordinate's own step size. */
function proxAdamUpdate(state: AdamState, v: Float32Array, g: Float32Array, lr: number, l1PerCol: Float64Array, width: number): void {
  const { m, v: s, t } = state;
  // Imported bindings are getters under CommonJS transpilation: read them once, not per element.
  const b1 = BETA1;
  const b2 = BETA2;
  const eps = EPS;
  const invBc1 = 1 / (1 - BETA1 ** t);
  const invSqrtBc2 = 1 / Math.sqrt(1 - BETA2 ** t);
  for (let i0 = 0; i0 < v.length; i0 += width) {
    for (let j = 0; j < width; j++) {
      const i = i0 + j;
      const gi = g[i];
      const mi = b1 * m[i] + (1 - b1) * gi;
      const si = b2 * s[i] + (1 - b2) * gi * gi;
      m[i] = mi;
      s[i] = si;
      const step = lr / (Math.sqrt(si) * invSqrtBc2 + eps);
      const p = v[i] - step * mi * invBc1;
      const thr = step * l1PerCol[j];
      v[i] = p > thr ? p - thr : p < -thr ? p + thr : 0;
    }
  }
}

function biasAdamUpdate(state: AdamState, b: Float32Array, g: Float32Array, lr: number): void {
  const { m, v, t } = state;
  const bc1 = 1 - BETA1 ** t;
  const sqrtBc2 = Math.sqrt(1 - BETA2 ** t);
  for (let i = 0; i < b.length; i++) {
    m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
    v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
    b[i] -= ((lr / bc1) * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + EPS);
  }
}

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
  const V = new Float32Array(classes * width);
  const b = new Float32Array(classes);
  // Start the bias at the log class priors, which is where an all-zero V would take it anyway.
  for (let c = 0; c < classes; c++) b[c] = Math.log((data.classCounts[c] + 1) / (data.rows + classes));
  const W = new Float32Array(classes * width);
  const offset = new Float32Array(classes);
  const sV = adamState(V.length);
  const sB = adamState(classes);
  const gb = new Float32Array(classes);

  function fold(): void {
    for (let c = 0; c < classes; c++) {
      let off = b[c];
      const row = c * width;
      for (let j = 0; j < width; j++) {
        const w = V[row + j] * invSigma[j];
        W[row + j] = w;
        off -= w * mean[j];
      }
      offset[c] = off;
    }
  }

  let flops = 0;
  let stepMs = 0;
  let steps = 0;
  let lr = opts.learningRate;
  const holdout: Batch[] = [];
  let holdoutRows = 0;
  let firstEpoch = true;
  const best = { loss: Infinity, acc: 0, epoch: 0, V: new Float32Array(V.length), b: new Float32Array(classes) };
  let stalls = 0;
  let stoppedBecause: TrainReport['stoppedBecause'] = 'epochs';
  let trainLoss = 0;
  let trainCorrect = 0;
  let trainRows = 0;
  let epoch: number;

  async function trainOn(batch: Batch): Promise<void> {
    throwIfAborted(opts.signal);
    fold();
    const s0 = performance.now();
    const step = await crossEntropyStep(gemm, batch.x, batch.y, batch.rows, width, W, offset, classes);
    stepMs += performance.now() - s0;
    flops += step.flops;
    trainLoss += step.loss;
    trainCorrect += step.correct;
    trainRows += batch.rows;
    // dV = (G^T X - gsum mu^T) / sigma, plus the L2 norm's gradient l2 W / ||W|| / sigma.
    const g = step.gradW;
    let norm = 0;
    if (net.l2 > 0) {
      for (let i = 0; i < W.length; i++) norm += W[i] * W[i];
      norm = Math.sqrt(norm);
    }
    const l2 = norm > 0 ? net.l2 / norm : 0;
    for (let c = 0; c < classes; c++) {
      const gs = step.gradBias[c];
      const row = c * width;
      for (let j = 0; j < width; j++) {
        const i = row + j;
        g[i] = (g[i] - gs * mean[j] + l2 * W[i]) * invSigma[j];
      }
      gb[c] = gs;
    }
    adamTick(sV, sB);
    proxAdamUpdate(sV, V, g, lr, l1PerCol, width);
    biasAdamUpdate(sB, b, gb, lr);
    steps++;
  }

  async function holdoutLoss(): Promise<{ loss: number; acc: number }> {
    fold();
    let loss = 0;
    let correct = 0;
    for (const h of holdout) {
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
    return { loss: loss / holdoutRows + net.l1 * abs + net.l2 * Math.sqrt(sq), acc: correct / holdoutRows };
  }

  for (epoch = 1; epoch <= opts.maxEpochs; epoch++) {
    trainLoss = 0;
    trainCorrect = 0;
    trainRows = 0;
    let window: Batch[] = [];
    const flush = async () => {
      shuffleInPlace(window, rng);
      for (const w of window) await trainOn(w);
      window = [];
    };
    for await (const batch of data.batches(opts.batchSize)) {
      if (opts.holdoutEvery > 0 && batch.index % opts.holdoutEvery === opts.holdoutEvery - 1) {
        if (firstEpoch) {
          holdout.push(batch);
          holdoutRows += batch.rows;
        }
        continue;
      }
      window.push(batch);
      if (!data.inMemory && window.length >= opts.shuffleWindow) await flush();
    }
    await flush();
    firstEpoch = false;
    const progress: TrainProgress = { epoch, epochs: opts.maxEpochs, trainLoss: trainLoss / trainRows, trainAccuracy: trainCorrect / trainRows };
    // The held-out objective decides when there is a held-out slice, else the epoch's own.
    let objective: number;
    let acc: number;
    if (holdoutRows > 0) {
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
    const gain = best.loss === Infinity ? Infinity : (best.loss - objective) / Math.abs(best.loss);
    if (objective < best.loss) {
      best.loss = objective;
      best.acc = acc;
      best.epoch = epoch;
      best.V.set(V);
      best.b.set(b);
    }
    if (!(gain > 0)) {
      stalls++;
      lr /= 2;
      if (stalls > opts.patience) {
        stoppedBecause = 'no-improvement';
        break;
      }
    } else if (gain < opts.tolerance) {
      stoppedBecause = 'converged';
      break;
    }
  }
  if (holdoutRows > 0) {
    V.set(best.V);
    b.set(best.b);
  }
  fold();
  const seconds = (performance.now() - t0) / 1000;
  return {
    model: { classes, columns: data.columns, weights: W, bias: offset },
    report: {
      mode: 'default',
      epochs: Math.min(epoch, opts.maxEpochs),
      steps,
      seconds,
      flops,
      gflops: flops / seconds / 1e9,
      gemmGflops: flops / (stepMs / 1000) / 1e9,
      trainLoss: trainLoss / Math.max(1, trainRows),
      trainAccuracy: trainCorrect / Math.max(1, trainRows),
      ...(holdoutRows > 0 ? { holdoutRows, holdoutLoss: best.loss, holdoutAccuracy: best.acc, bestEpoch: best.epoch } : {}),
      stoppedBecause,
    },
  };
}
