import { GrainError, throwIfAborted } from '../errors';
import { maskVectors, type Ablation } from './mask-spec';
import type { AblationSession, BatchLogits } from './session';
import type { PreparedText } from './text';

export interface LossResult {
  /** Mean negative log-likelihood (nats) over the scored tokens. */
  meanNll: number;
  perplexity: number;
  tokens: number;
  totalNll: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Batches done / total within this run. */
  onProgress?: (done: number, total: number) => void;
}

// exp(x) for x <= 0 as 2^(k/64) * e^r with |r| < ln2/64: a table lookup and a degree-6
// polynomial, relative error below 1e-15 (tested against Math.exp), about twice as fast as
// Math.exp, which dominates scoring a large vocabulary.
const EXP_TABLE = Float64Array.from({ length: 64 }, (_, j) => Math.pow(2, j / 64));
const POW2_BIAS = 1100;
const POW2 = Float64Array.from({ length: POW2_BIAS + 1 }, (_, i) => Math.pow(2, i - POW2_BIAS));
const INV_STEP = 64 / Math.LN2;
// ln2/64 split in two so k * STEP_HI is exact for the k that occur.
const STEP_HI = 0.6931471803691238 / 64;
const STEP_LO = 1.9082149292705877e-10 / 64;

/** e^x for x <= 0 (0 below -700, where e^x is below 1e-304 and adds nothing to a softmax sum). */
export function expNonPositive(x: number): number {
  if (x < -700) return 0;
  const k = (x * INV_STEP) | 0;
  const r = x - k * STEP_HI - k * STEP_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  return POW2[(k >> 6) + POW2_BIAS] * EXP_TABLE[k & 63] * p;
}

/**
 * Sum over scored positions of -log softmax(logits)[target], in float64 (max-shifted, so exp
 * never overflows). A plain function with the exponential inlined, so V8 optimizes the
 * vocabulary loop.
 */
export function sumTokenNll(l: BatchLogits, targets: Int32Array, size: number, seq: number): number {
  const { data, vocab } = l;
  let total = 0;
  for (let b = 0; b < size; b++) {
    for (let p = 0; p < seq; p++) {
      const t = targets[b * seq + p];
      if (t < 0) continue;
      const off = b * l.batchStride + p * l.positionStride;
      let max = -Infinity;
      for (let v = 0; v < vocab; v++) if (data[off + v] > max) max = data[off + v];
      let sum = 0;
      for (let v = 0; v < vocab; v++) {
        const x = data[off + v] - max;
        if (x < -700) continue;
        const k = (x * INV_STEP) | 0;
        const r = x - k * STEP_HI - k * STEP_LO;
        const q = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
        sum += POW2[(k >> 6) + POW2_BIAS] * EXP_TABLE[k & 63] * q;
      }
      total += max + Math.log(sum) - data[off + t];
    }
  }
  return total;
}

/** The model's loss on prepared text with the given units zeroed (null: no ablation). */
export async function evaluateLoss(
  session: AblationSession,
  text: PreparedText,
  ablation: Ablation | null,
  opts: RunOptions = {},
): Promise<LossResult> {
  if (text.tokens === 0) throw new GrainError('the text has no token to score, so there is no loss to measure');
  const masks = maskVectors(ablation, session.sites);
  let total = 0;
  const batches = text.batches;
  // The runtime computes batch i + 1 on its threads while this thread scores batch i.
  let next: Promise<BatchLogits> | null = batches.length > 0 ? session.run(batches[0].feeds, masks) : null;
  try {
    for (let i = 0; i < batches.length; i++) {
      const logits = await next!;
      next = null;
      throwIfAborted(opts.signal);
      if (i + 1 < batches.length) next = session.run(batches[i + 1].feeds, masks);
      total += sumTokenNll(logits, batches[i].targets, batches[i].feeds.size, batches[i].feeds.seq);
      opts.onProgress?.(i + 1, batches.length);
    }
  } finally {
    // A run still in flight after a cancel or error must finish before the session can close.
    await next?.catch(() => undefined);
  }
  const meanNll = total / text.tokens;
  return { meanNll, perplexity: Math.exp(meanNll), tokens: text.tokens, totalNll: total };
}
