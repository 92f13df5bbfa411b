export type TrainMode = 'default' | 'neurox';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  holdoutLoss?: number;
  holdoutAccuracy?: number;
}

export interface TrainReport {
  mode: TrainMode;
  /** Epochs run (passes over the training rows). */
  epochs: number;
  steps: number;
  /** Rows per step (the last batch of an epoch may hold fewer). */
  batchRows: number;
  seconds: number;
  /** Flops of the matrix products (2mnk each). */
  flops: number;
  /** flops / wall seconds of the whole training. */
  gflops: number;
  /** flops / seconds spent in the batch steps (products, softmax, bias sums). */
  gemmGflops: number;
  /** Mean cross-entropy over the last epoch's training rows (as they were seen). */
  trainLoss: number;
  trainAccuracy: number;
  holdoutRows?: number;
  holdoutLoss?: number;
  holdoutAccuracy?: number;
  /** Epoch whose weights were kept (default mode: best held-out loss). */
  bestEpoch?: number;
  stoppedBecause: 'epochs' | 'converged' | 'no-improvement';
}
