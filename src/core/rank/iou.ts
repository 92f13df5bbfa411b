/**
 * The IoU probe (Mu & Andreas, NeurIPS 2020; NeuroX's interpretation/iou_probe.py): each neuron
 * against each class as a binary concept (the class vs the rest), no classifier. As in NeuroX,
 * activations with |a| below a threshold are set to 0 and a neuron's score for a concept is the
 * average precision of its activations as a detector of the concept (sklearn's
 * average_precision_score: precision at each distinct activation, weighted by the recall it adds).
 * `score: 'iou'` scores Mu & Andreas's way instead: intersection over union of the concept with
 * the neuron's mask, its top `quantile` of activations.
 *
 * Over all classes a neuron scores its best concept: for AP the gain over chance,
 * (AP - p) / (1 - p) with p the concept's share of the rows (a random neuron's AP is p, so
 * frequent classes do not win by being frequent); for IoU the IoU itself.
 */
import { GrainError, throwIfAborted } from '../errors';
import type { ProbeData } from '../probe/data';
import { orderByScore, readColumnBlock, readLabels } from './labelled-rows';
import type { ScoredRanking } from './probeless';

export interface IouOptions {
  /** |activation| below this counts as 0 (NeuroX's threshold, default 0.05). */
  threshold?: number;
  /** 'ap' (NeuroX, default) or 'iou' (Mu & Andreas). */
  score?: 'ap' | 'iou';
  /** IoU: the neuron's mask is its top `quantile` share of rows (default 0.005, Mu & Andreas's). */
  quantile?: number;
  /** Columns read per pass over the data (default 64). */
  blockColumns?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface IouRanking extends ScoredRanking {
  /** Per class: its share of the rows (a random neuron's average precision). */
  prevalence: Float64Array;
}

/** Labels ride in the low mantissa bits of a float32 activation widened to float64 (it leaves 29 zero bits). */
const LABEL_BITS = 28;

export async function iouRanking(data: ProbeData, opts: IouOptions = {}): Promise<IouRanking> {
  const threshold = opts.threshold ?? 0.05;
  const score = opts.score ?? 'ap';
  const quantile = opts.quantile ?? 0.005;
  if (!(threshold >= 0 && Number.isFinite(threshold))) throw new GrainError(`the activation threshold must be a non-negative number, got ${threshold}`);
  if (!(quantile > 0 && quantile <= 1)) throw new GrainError(`the IoU quantile must be in (0, 1], got ${quantile}`);
  if (score !== 'ap' && score !== 'iou') throw new GrainError(`unknown IoU-probe score '${String(score)}' (use ap or iou)`);
  const { width: W, classes: C, rows: N } = data;
  if (C >= 2 ** LABEL_BITS) throw new GrainError(`too many classes (${C})`);
  const y = await readLabels(data, opts.signal);
  const positives = new Float64Array(C);
  for (let r = 0; r < N; r++) positives[y[r]]++;
  const prevalence = Float64Array.from(positives, (p) => p / N);
  const perClassScores = new Float64Array(C * W).fill(NaN);
  const keys = new Float64Array(N);
  const words = new Uint32Array(keys.buffer);
  const groupCount = new Float64Array(C);
  const tp = new Float64Array(C);
  const touched = new Int32Array(C);
  const mask = Math.ceil(quantile * N);
  const block = opts.blockColumns ?? 64;
  for (let from = 0; from < W; from += block) {
    const to = Math.min(W, from + block);
    const cols = await readColumnBlock(data, from, to, opts.signal);
    for (let j = from; j < to; j++) {
      throwIfAborted(opts.signal);
      const col = cols.subarray((j - from) * N, (j - from + 1) * N);
      for (let r = 0; r < N; r++) {
        const v = col[r];
        // -0 and +0 are one activation (and one group): both become +0.
        keys[r] = Math.abs(v) < threshold || v === 0 ? 0 : v;
        words[2 * r] |= y[r];
      }
      keys.sort();
      tp.fill(0);
      let k = 0;
      // Walk from the highest activation down, one group of equal activations at a time.
      for (let end = N - 1; end >= 0; ) {
        const hi = words[2 * end + 1];
        const lo = words[2 * end] & ~((1 << LABEL_BITS) - 1);
        let start = end;
        let nTouched = 0;
        for (; start >= 0 && words[2 * start + 1] === hi && (words[2 * start] & ~((1 << LABEL_BITS) - 1)) === lo; start--) {
          const c = words[2 * start] & ((1 << LABEL_BITS) - 1);
          if (groupCount[c] === 0) touched[nTouched++] = c;
          groupCount[c]++;
        }
        const before = k;
        k += end - start;
        for (let t = 0; t < nTouched; t++) {
          const c = touched[t];
          tp[c] += groupCount[c];
          if (score === 'ap') {
            // Recall rises by group/P at precision tp/k.
            const at = c * W + j;
            perClassScores[at] = (Number.isNaN(perClassScores[at]) ? 0 : perClassScores[at]) + (groupCount[c] / positives[c]) * (tp[c] / k);
          }
          groupCount[c] = 0;
        }
        if (score === 'iou' && before < mask && k >= mask) {
          // The mask: the top `quantile` of rows, the whole tie group at its edge included.
          for (let c = 0; c < C; c++) if (positives[c] > 0) perClassScores[c * W + j] = tp[c] / (k + positives[c] - tp[c]);
        }
        end = start;
      }
      for (let c = 0; c < C; c++) if (positives[c] > 0 && Number.isNaN(perClassScores[c * W + j])) perClassScores[c * W + j] = 0;
      keys.fill(0);
    }
    opts.onProgress?.(to, W);
  }
  const scores = new Float64Array(W).fill(-Infinity);
  for (let c = 0; c < C; c++) {
    if (positives[c] === 0) continue;
    const p = prevalence[c];
    for (let j = 0; j < W; j++) {
      const s = perClassScores[c * W + j];
      const overall = score === 'ap' ? (p < 1 ? (s - p) / (1 - p) : 0) : s;
      if (overall > scores[j]) scores[j] = overall;
    }
  }
  const perClass = Array.from({ length: C }, (_, c) => (positives[c] > 0 ? orderByScore(perClassScores.subarray(c * W, (c + 1) * W)) : null));
  return { ordering: orderByScore(scores), scores, perClass, perClassScores, prevalence };
}
