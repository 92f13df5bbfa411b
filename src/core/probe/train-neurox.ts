/**
 * NeuroX-compatible training (neurox/interpretation/linear_probe.py, _train_probe): Adam
 * lr 1e-3, batch 32, 10 epochs, rows in order (no shuffling), nn.Linear's default init
 * (uniform +-1/sqrt(in) for weights and bias, here from a seeded PRNG instead of torch's),
 * loss = mean CE + l1 sum|W| + l2 ||W||_2 with autograd's gradients (sign(0) = 0).
 * Kept for side-by-side checks against NeuroX; the default trainer converges faster.
 */
import type { Gemm } from '../linalg/gemm';
import { throwIfAborted } from '../errors';
import { adamState, adamTick, adamUpdate } from './adam';
import type { ProbeData } from './data';
import type { ProbeModel } from './model';
import { frobenius, type ElasticNet } from './penalty';
import { seededRng } from '../random';
import { crossEntropyStep } from './step';
import type { TrainProgress, TrainReport } from './types';

export interface NeuroxOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

export async function trainNeurox(gemm: Gemm, data: ProbeData, net: ElasticNet, opts: NeuroxOptions): Promise<{ model: ProbeModel; report: TrainReport }> {
  const t0 = performance.now();
  const { width, classes } = data;
  const rng = seededRng(opts.seed);
  const bound = 1 / Math.sqrt(width);
  const weights = Float32Array.from({ length: classes * width }, () => (rng() * 2 - 1) * bound);
  const bias = Float32Array.from({ length: classes }, () => (rng() * 2 - 1) * bound);
  const sW = adamState(weights.length);
  const sB = adamState(classes);
  let flops = 0;
  let gemmMs = 0;
  let steps = 0;
  let epochLoss = 0;
  let epochCorrect = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    epochLoss = 0;
    epochCorrect = 0;
    for await (const b of data.batches(opts.batchSize)) {
      throwIfAborted(opts.signal);
      const g0 = performance.now();
      const step = await crossEntropyStep(gemm, b.x, b.y, b.rows, width, weights, bias, classes);
      gemmMs += performance.now() - g0;
      flops += step.flops;
      epochLoss += step.loss;
      epochCorrect += step.correct;
      const g = step.gradW;
      if (net.l1 > 0 || net.l2 > 0) {
        const norm = frobenius(weights);
        const l2 = norm > 0 ? net.l2 / norm : 0;
        for (let i = 0; i < g.length; i++) g[i] += net.l1 * Math.sign(weights[i]) + l2 * weights[i];
      }
      adamTick(sW, sB);
      adamUpdate(sW, weights, g, opts.learningRate);
      adamUpdate(sB, bias, step.gradBias, opts.learningRate);
      steps++;
    }
    opts.onProgress?.({ epoch: epoch + 1, epochs: opts.epochs, trainLoss: epochLoss / data.rows, trainAccuracy: epochCorrect / data.rows });
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    model: { classes, columns: data.columns, weights, bias },
    report: {
      mode: 'neurox',
      epochs: opts.epochs,
      steps,
      batchRows: opts.batchSize,
      seconds,
      flops,
      gflops: flops / seconds / 1e9,
      gemmGflops: flops / (gemmMs / 1000) / 1e9,
      trainLoss: epochLoss / data.rows,
      trainAccuracy: epochCorrect / data.rows,
      stoppedBecause: 'epochs',
    },
  };
}
