/**
 * What the probe-free rankings read of a probing task's training rows (ProbeData, the probe's own
 * validated load): labels, per-class moments in float64, and blocks of columns. Each is one pass
 * over the rows, so data too large for memory is re-read instead of copied whole.
 */
import { throwIfAborted } from '../errors';
import type { ProbeData } from '../probe/data';

/** Rows read per batch. */
const BATCH_ROWS = 8192;

export async function readLabels(data: ProbeData, signal?: AbortSignal): Promise<Int32Array> {
  const y = new Int32Array(data.rows);
  let at = 0;
  for await (const b of data.batches(BATCH_ROWS)) {
    throwIfAborted(signal);
    y.set(b.y, at);
    at += b.rows;
  }
  return y;
}

/** Columns [from, to) of every row, column-major: out[(j - from) * rows + r]. */
export async function readColumnBlock(data: ProbeData, from: number, to: number, signal?: AbortSignal): Promise<Float32Array> {
  const width = data.width;
  const rows = data.rows;
  const out = new Float32Array((to - from) * rows);
  let r0 = 0;
  for await (const b of data.batches(BATCH_ROWS)) {
    throwIfAborted(signal);
    for (let i = 0; i < b.rows; i++) {
      const row = i * width;
      for (let j = from; j < to; j++) out[(j - from) * rows + r0 + i] = b.x[row + j];
    }
    r0 += b.rows;
  }
  return out;
}

export interface ClassMoments {
  /** Rows per class. */
  count: Float64Array;
  /** [classes x width] class means. */
  mean: Float64Array;
  /** [classes x width] unbiased (n - 1) variances, as numpy's cov; NaN for classes of fewer than two rows. */
  variance: Float64Array;
}

/** Per-class means and variances of every column, in two passes (mean, then squared deviations) in float64. */
export async function classMoments(data: ProbeData, signal?: AbortSignal): Promise<ClassMoments> {
  const { width: W, classes: C } = data;
  const count = new Float64Array(C);
  const sum = new Float64Array(C * W);
  for await (const b of data.batches(BATCH_ROWS)) {
    throwIfAborted(signal);
    for (let i = 0; i < b.rows; i++) {
      const c = b.y[i];
      count[c]++;
      const o = c * W;
      const row = i * W;
      for (let j = 0; j < W; j++) sum[o + j] += b.x[row + j];
    }
  }
  const mean = new Float64Array(C * W);
  for (let c = 0; c < C; c++) for (let j = 0; j < W; j++) mean[c * W + j] = count[c] > 0 ? sum[c * W + j] / count[c] : 0;
  const ss = new Float64Array(C * W);
  for await (const b of data.batches(BATCH_ROWS)) {
    throwIfAborted(signal);
    for (let i = 0; i < b.rows; i++) {
      const o = b.y[i] * W;
      const row = i * W;
      for (let j = 0; j < W; j++) {
        const d = b.x[row + j] - mean[o + j];
        ss[o + j] += d * d;
      }
    }
  }
  const variance = new Float64Array(C * W);
  for (let c = 0; c < C; c++) for (let j = 0; j < W; j++) variance[c * W + j] = count[c] > 1 ? ss[c * W + j] / (count[c] - 1) : NaN;
  return { count, mean, variance };
}

/**
 * Neurons by score, highest first, as NeuroX orders them (numpy's argsort(score)[::-1]): among
 * equal scores the higher index comes first. NaN scores go last.
 */
export function orderByScore(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  const key = new Float64Array(n);
  for (let j = 0; j < n; j++) key[j] = Number.isNaN(scores[j]) ? -Infinity : scores[j];
  const order = Int32Array.from({ length: n }, (_, j) => j);
  order.sort((a, b) => key[b] - key[a] || b - a);
  return order;
}
