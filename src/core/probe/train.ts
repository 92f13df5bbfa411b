/** Entry point: train a probe on an activation source and labels, in either mode. */
import { createGemm, type Gemm } from '../linalg/gemm';
import { GrainError } from '../errors';
import { loadProbeData, type ProbeData, type ProbeSource } from './data';
import type { ProbeModel } from './model';
import { checkLambdas } from './penalty';
import { trainDefault } from './train-default';
import { trainNeurox } from './train-neurox';
import type { TrainMode, TrainProgress, TrainReport } from './types';

export interface TrainOptions {
  /** 'default' (fast, converged) or 'neurox' (mirrors NeuroX's training loop). */
  mode?: TrainMode;
  lambdaL1?: number;
  lambdaL2?: number;
  /** Neuron ids to train on; default all. */
  columns?: ArrayLike<number>;
  classes?: number;
  seed?: number;
  /** neurox: epochs run (10); default: the learning-rate schedule's length (4, more for small data). */
  epochs?: number;
  /** neurox 32, default 2048 (fewer for under 128k rows: rows / 64, at least 16). */
  batchSize?: number;
  /** neurox 1e-3; default 1e-2 at the first step, falling linearly to 0. */
  learningRate?: number;
  /** default mode: every n-th batch held out for early stopping (10); 0 = none. */
  holdoutEvery?: number;
  memoryBytes?: number;
  gemm?: Gemm;
  file?: string;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainedProbe {
  model: ProbeModel;
  report: TrainReport;
  /** Standard deviation of each of the probe's columns over the training rows (model.columns order). */
  columnStd: Float64Array;
}

/** The default trainer's batch for big data (steps of 2,048 rows: 113-118 GFLOP/s against 70-83 at 1,024 on 2 cores). */
const MAX_BATCH_ROWS = 2048;

function positiveInt(name: string, v: number | undefined, fallback: number): number {
  const x = v ?? fallback;
  if (!Number.isInteger(x) || x < 1) throw new GrainError(`probe: ${name} must be a positive integer, got ${x}`);
  return x;
}

/** Trains on already loaded data (lets callers reuse one validated load). */
export async function trainOnData(data: ProbeData, opts: TrainOptions = {}): Promise<TrainedProbe> {
  const net = checkLambdas(opts.lambdaL1 ?? 0, opts.lambdaL2 ?? 0);
  const present = data.classCounts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
  if (present < 2) throw new GrainError(`probe: the training labels hold ${present} class; a classifier needs at least two`, { file: opts.file });
  const mode = opts.mode ?? 'default';
  const lr = opts.learningRate ?? (mode === 'neurox' ? 1e-3 : 1e-2);
  if (!(lr > 0 && Number.isFinite(lr))) throw new GrainError(`probe: learning rate must be a positive number, got ${lr}`);
  const gemm = opts.gemm ?? (await createGemm());
  try {
    if (mode === 'neurox') {
      const trained = await trainNeurox(gemm, data, net, {
        epochs: positiveInt('epochs', opts.epochs, 10),
        batchSize: positiveInt('batch size', opts.batchSize, 32),
        learningRate: lr,
        seed: opts.seed ?? 0,
        signal: opts.signal,
        onProgress: opts.onProgress,
      });
      return { ...trained, columnStd: data.std };
    }
    if (mode !== 'default') throw new GrainError(`probe: unknown training mode '${String(mode)}' (use 'default' or 'neurox')`);
    const trained = await trainDefault(gemm, data, net, {
      epochs: opts.epochs === undefined ? undefined : positiveInt('epochs', opts.epochs, 4),
      // Small data still gets ~64 steps per epoch: the held-out check after each epoch assumes an epoch moves far.
      // Big batches keep the products near the machine's peak: each step also costs a fixed
      // element-wise update of classes x width values, which a bigger batch spreads over more rows.
      batchSize: positiveInt('batch size', opts.batchSize, Math.max(16, Math.min(MAX_BATCH_ROWS, Math.floor(data.rows / 64)))),
      learningRate: lr,
      holdoutEvery: opts.holdoutEvery ?? 10,
      patience: 2,
      seed: opts.seed ?? 0,
      shuffleWindow: 64,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    return { ...trained, columnStd: data.std };
  } finally {
    if (!opts.gemm) await gemm.dispose();
  }
}

export async function trainProbe(source: ProbeSource, y: Int32Array, opts: TrainOptions = {}): Promise<TrainedProbe> {
  checkLambdas(opts.lambdaL1 ?? 0, opts.lambdaL2 ?? 0);
  const data = await loadProbeData(source, y, {
    columns: opts.columns,
    classes: opts.classes,
    memoryBytes: opts.memoryBytes,
    requireTwoClasses: true,
    file: opts.file,
    signal: opts.signal,
  });
  return trainOnData(data, opts);
}
