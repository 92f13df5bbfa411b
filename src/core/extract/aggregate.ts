/** How a word's row is made from its subwords' activations. */
export type Aggregation = 'first' | 'last' | 'average';

/**
 * Which model positions make up each output row of one sentence. Word mode: one row per word
 * (its subword positions; none for a word that gave no tokens, whose row is zeros, as NeuroX's
 * aggregate_repr gives), plus special tokens as their own rows when kept. Subword mode: one row
 * per input position, special tokens included, in order.
 */
export interface RowPlan {
  tokens: string[];
  /** Row r covers positions positions[starts[r] .. starts[r+1]). */
  starts: Int32Array;
  positions: Int32Array;
}

export interface EncodedForPlan {
  tokens: string[];
  wordIndex: Int32Array;
  /** Positions whose rows this encoding gives (a window's own words); all when absent. */
  owned?: Uint8Array;
  /** Words (of this encoding's own) that hold no position: word mode gives each a row of zeros. */
  emptyWords?: readonly number[];
}

export function planRows(
  enc: EncodedForPlan,
  words: readonly string[],
  mode: { subword: boolean; keepSpecial: boolean },
): RowPlan {
  const n = enc.wordIndex.length;
  const owned = (p: number) => !enc.owned || enc.owned[p] === 1;
  const tokens: string[] = [];
  const starts: number[] = [0];
  const positions: number[] = [];
  // Empty words come in word order, before the next word that has positions (or at the end).
  const empty = mode.subword ? [] : (enc.emptyWords ?? []);
  let e = 0;
  const emptyBefore = (w: number) => {
    for (; e < empty.length && empty[e] < w; e++) {
      tokens.push(words[empty[e]]);
      starts.push(positions.length);
    }
  };
  let p = 0;
  while (p < n) {
    const w = enc.wordIndex[p];
    if (mode.subword || w < 0) {
      if (owned(p) && (mode.subword || mode.keepSpecial)) {
        tokens.push(enc.tokens[p]);
        positions.push(p);
        starts.push(positions.length);
      }
      p++;
      continue;
    }
    // A word's subwords are contiguous: collect the run of positions with this word index.
    const mine = owned(p);
    if (mine) emptyBefore(w);
    if (mine) tokens.push(words[w]);
    while (p < n && enc.wordIndex[p] === w) {
      if (mine) positions.push(p);
      p++;
    }
    if (mine) starts.push(positions.length);
  }
  emptyBefore(Infinity);
  return { tokens, starts: Int32Array.from(starts), positions: Int32Array.from(positions) };
}

/**
 * Reads one site's activation for (batch row b, position p) from an ORT output buffer:
 * `data[b * batchStride + p * positionStride + unit]` (units are always the innermost axis;
 * batch-major and time-major outputs differ only in the two strides).
 */
export interface SiteReader {
  data: Float32Array;
  batchStride: number;
  positionStride: number;
  width: number;
  /** Column of this site's first neuron in the output row. */
  column: number;
}

/** Fill `out` (rows x neurons) with the aggregated activations of one sentence. */
export function aggregateRows(
  plan: RowPlan,
  b: number,
  readers: SiteReader[],
  neurons: number,
  aggregation: Aggregation,
  out: Float32Array,
): void {
  const rows = plan.starts.length - 1;
  for (let r = 0; r < rows; r++) {
    const from = plan.starts[r];
    const to = plan.starts[r + 1];
    const rowBase = r * neurons;
    for (const site of readers) {
      const dst = rowBase + site.column;
      const base = b * site.batchStride;
      if (to === from) {
        out.fill(0, dst, dst + site.width);
      } else if (aggregation === 'average' && to - from > 1) {
        // Sum in float64: a long word's subwords should not lose precision.
        for (let u = 0; u < site.width; u++) {
          let sum = 0;
          for (let i = from; i < to; i++) sum += site.data[base + plan.positions[i] * site.positionStride + u];
          out[dst + u] = sum / (to - from);
        }
      } else {
        const p = aggregation === 'first' ? plan.positions[from] : plan.positions[to - 1];
        const src = base + p * site.positionStride;
        out.set(site.data.subarray(src, src + site.width), dst);
      }
    }
  }
}
