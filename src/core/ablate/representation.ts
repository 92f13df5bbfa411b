/**
 * The representation objective, for models without an LM head: how far zeroing neurons moves
 * the last layer boundary's vector at every real token position, against the unablated model.
 */
import { GrainError, throwIfAborted } from '../errors';
import { ablatedCount, maskVectors, type Ablation } from './mask-spec';
import type { RunOptions } from './loss';
import type { AblationSession, BatchVectors } from './session';
import type { PreparedText } from './text';

export interface RepresentationResult {
  /** Mean over compared positions and units of (ablated - unablated)^2. */
  meanSquaredChange: number;
  /** Mean over compared positions of cosine(ablated, unablated): 1 when nothing moved. */
  meanCosine: number;
  /** Mean over compared positions of 1 - cosine (= 1 - meanCosine): the curves' higher-is-worse figure. */
  cosineDistance: number;
  /** Token positions compared (padding excluded). */
  tokens: number;
  /** Units of the compared site. */
  units: number;
}

/**
 * Every ablated run is compared with the unablated vectors at the same positions. Held in memory
 * up to this size, each ablated run costs one forward pass: 256 MiB holds 65,536 positions of a
 * 1,024-wide model, a typical evaluation text (brown-test-2000 through brown-bert, 68,558
 * positions x 256 units, takes 67 MiB), and is a small share of a worker's memory. Beyond it the
 * unablated batch is recomputed next to each ablated batch: two passes per run, but memory is
 * bounded by the batch window whatever the corpus size.
 */
export const BASELINE_BUDGET_BYTES = 256 * 2 ** 20;

/** The unablated vectors of a prepared text: held (within the budget) or recomputed per batch. */
export class RepresentationBaseline {
  /** True when the vectors are held; false when each batch's are recomputed. */
  readonly held: boolean;
  readonly bytes: number;
  /** Per batch: [real positions x width], in row then position order; filled on first use. */
  private vectors: Float32Array[] | null = null;

  constructor(
    readonly session: AblationSession,
    readonly text: PreparedText,
    budgetBytes = BASELINE_BUDGET_BYTES,
  ) {
    if (!session.compared) throw new Error('a representation baseline needs a compared site');
    this.bytes = text.tokens * session.compared.width * 4;
    this.held = this.bytes <= budgetBytes;
  }

  /** The held vectors, computed by one unablated pass the first time. */
  async heldVectors(opts: RunOptions): Promise<Float32Array[]> {
    if (this.vectors) return this.vectors;
    const ones = maskVectors(null, this.session.sites);
    const width = this.session.compared!.width;
    const batches = this.text.batches;
    const out: Float32Array[] = [];
    await pipelined(
      batches.length,
      (i) => this.session.runCompared(batches[i].feeds, ones),
      (i, v) => {
        const { targets, feeds } = batches[i];
        let real = 0;
        for (const t of targets) if (t >= 0) real++;
        const kept = new Float32Array(real * width);
        let k = 0;
        for (let b = 0; b < feeds.size; b++) {
          for (let p = 0; p < feeds.seq; p++) {
            if (targets[b * feeds.seq + p] < 0) continue;
            const at = b * v.batchStride + p * v.positionStride;
            kept.set(v.data.subarray(at, at + width), k++ * width);
          }
        }
        out.push(kept);
      },
      opts,
    );
    this.vectors = out;
    return out;
  }
}

/** Sums over positions, in float64. */
interface Sums {
  squared: number;
  cosine: number;
  positions: number;
}

/**
 * Adds one batch: `ablated` against `base`, either a run's vectors or the held [real positions x
 * width] of this batch. The cosine of a zero vector with a non-zero one is 0, of two zero vectors 1.
 */
export function addBatchChange(sums: Sums, targets: Int32Array, size: number, seq: number, ablated: BatchVectors, base: BatchVectors | Float32Array): void {
  const width = ablated.width;
  const held = base instanceof Float32Array;
  const a = ablated.data;
  const d = held ? base : base.data;
  let k = 0;
  for (let b = 0; b < size; b++) {
    for (let p = 0; p < seq; p++) {
      if (targets[b * seq + p] < 0) continue;
      const ao = b * ablated.batchStride + p * ablated.positionStride;
      const bo = held ? k++ * width : b * (base as BatchVectors).batchStride + p * (base as BatchVectors).positionStride;
      let sq = 0;
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let u = 0; u < width; u++) {
        const x = a[ao + u];
        const y = d[bo + u];
        const diff = x - y;
        sq += diff * diff;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      const cos = na > 0 && nb > 0 ? Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb))) : na === nb ? 1 : 0;
      sums.squared += sq;
      sums.cosine += cos;
      sums.positions++;
    }
  }
}

/**
 * The change of the compared site with the given units zeroed, against the unablated model
 * (no units zeroed: exactly 0 change and cosine 1, with nothing to run but filling the baseline).
 */
export async function evaluateRepresentation(
  session: AblationSession,
  text: PreparedText,
  ablation: Ablation | null,
  baseline: RepresentationBaseline,
  opts: RunOptions = {},
): Promise<RepresentationResult> {
  if (!session.compared) throw new Error(`the ${session.objective} objective compares no site`);
  if (baseline.session !== session || baseline.text !== text) throw new Error('the baseline belongs to another session or text');
  if (text.tokens === 0) throw new GrainError('the text has no token position to compare');
  const width = session.compared.width;
  const figures = (sums: Sums): RepresentationResult => {
    const meanCosine = sums.cosine / sums.positions;
    return { meanSquaredChange: sums.squared / (sums.positions * width), meanCosine, cosineDistance: 1 - meanCosine, tokens: sums.positions, units: width };
  };
  if (ablatedCount(ablation) === 0) {
    if (baseline.held) await baseline.heldVectors(opts);
    return { meanSquaredChange: 0, meanCosine: 1, cosineDistance: 0, tokens: text.tokens, units: width };
  }
  const masks = maskVectors(ablation, session.sites);
  const ones = maskVectors(null, session.sites);
  const batches = text.batches;
  const sums: Sums = { squared: 0, cosine: 0, positions: 0 };
  if (baseline.held) {
    const held = await baseline.heldVectors({ signal: opts.signal });
    await pipelined(
      batches.length,
      (i) => session.runCompared(batches[i].feeds, masks),
      (i, v) => addBatchChange(sums, batches[i].targets, batches[i].feeds.size, batches[i].feeds.seq, v, held[i]),
      opts,
    );
  } else {
    await pipelined(
      batches.length,
      (i) => both(session.runCompared(batches[i].feeds, masks), session.runCompared(batches[i].feeds, ones)),
      (i, [v, base]) => addBatchChange(sums, batches[i].targets, batches[i].feeds.size, batches[i].feeds.seq, v, base),
      opts,
    );
  }
  if (sums.positions !== text.tokens) throw new Error(`compared ${sums.positions} positions, expected ${text.tokens}`);
  return figures(sums);
}

/** Both results, after both runs ended (none left in flight when one fails). */
async function both<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

/**
 * Runs `n` batches with batch i + 1 computing on the runtime's threads while this thread consumes
 * batch i: at most two batches' outputs alive at once.
 */
async function pipelined<T>(n: number, start: (i: number) => Promise<T>, consume: (i: number, value: T) => void, opts: RunOptions): Promise<void> {
  let next: Promise<T> | null = n > 0 ? start(0) : null;
  try {
    for (let i = 0; i < n; i++) {
      const value = await next!;
      next = null;
      throwIfAborted(opts.signal);
      if (i + 1 < n) next = start(i + 1);
      consume(i, value);
      opts.onProgress?.(i + 1, n);
    }
  } finally {
    // A run still in flight after a cancel or error must finish before the session can close.
    await next?.catch(() => undefined);
  }
}
