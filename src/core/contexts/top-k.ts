/**
 * The k highest and k lowest activations of every neuron over a corpus, in one streaming pass:
 * one bounded heap per neuron, all of them in a few typed arrays, fed row by row as extraction
 * produces the rows (an ActivationSink) or from the chunks of a stored source. Memory is
 * neurons x k, whatever the corpus size; the activations themselves are never kept.
 *
 * Order: a larger value first (a smaller one for the bottom); between equal values the earlier
 * row first. Rows must arrive in increasing order (they do: a corpus is read front to back).
 * NaN never enters a heap.
 */
import type { SiteInfo } from '../activations';
import { GrainError } from '../errors';
import { NeuronStatsAccumulator, type NeuronStats } from '../heat/neuron-stats';
import { totalNeurons } from '../neurons';
import type { ActivationSink } from '../store';

/**
 * k largest (value, row) pairs of each of `columns` columns. Each column's heap keeps its worst
 * pair at the root, so a new value is compared with one number (`threshold`) and most are
 * rejected there; only a value that beats it costs a sift.
 */
export class ColumnTopK {
  readonly values: Float32Array;
  readonly rows: Int32Array;
  /** Pairs held per column (k once full). */
  readonly size: Int32Array;
  /** What a value must exceed to enter: -Infinity until the column holds k, then its root's value. */
  readonly threshold: Float32Array;

  constructor(
    readonly columns: number,
    readonly k: number,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new GrainError(`the number of contexts must be a whole number from 1, not ${k}`);
    if (!Number.isInteger(columns) || columns < 0) throw new GrainError(`the number of neurons must be a whole number, not ${columns}`);
    this.values = new Float32Array(columns * k);
    this.rows = new Int32Array(columns * k);
    this.size = new Int32Array(columns);
    this.threshold = new Float32Array(columns).fill(-Infinity);
  }

  /** Offers `value` at `row` to column j; callers skip it when value <= threshold[j] (the hot loop does). */
  push(j: number, value: number, row: number): void {
    const k = this.k;
    const base = j * k;
    const vals = this.values;
    const rows = this.rows;
    const n = this.size[j];
    if (n < k) {
      // Sift up: the root holds the worst pair.
      let i = n;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const pv = vals[base + parent];
        if (!(value < pv || (value === pv && row > rows[base + parent]))) break;
        vals[base + i] = pv;
        rows[base + i] = rows[base + parent];
        i = parent;
      }
      vals[base + i] = value;
      rows[base + i] = row;
      this.size[j] = n + 1;
      if (n + 1 === k) this.threshold[j] = vals[base];
      return;
    }
    // Full: the new pair replaces the root (it beats it), then sifts down.
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= k) break;
      let worst = left;
      const right = left + 1;
      if (right < k) {
        const lv = vals[base + left];
        const rv = vals[base + right];
        if (rv < lv || (rv === lv && rows[base + right] > rows[base + left])) worst = right;
      }
      const wv = vals[base + worst];
      if (!(wv < value || (wv === value && rows[base + worst] > row))) break;
      vals[base + i] = wv;
      rows[base + i] = rows[base + worst];
      i = worst;
    }
    vals[base + i] = value;
    rows[base + i] = row;
    this.threshold[j] = vals[base];
  }

  /** Column j's pairs, best first (larger value, then earlier row). */
  sorted(j: number): { values: Float32Array; rows: Int32Array } {
    const n = this.size[j];
    const base = j * this.k;
    const order = Array.from({ length: n }, (_, i) => base + i);
    order.sort((a, b) => this.values[b] - this.values[a] || this.rows[a] - this.rows[b]);
    return { values: Float32Array.from(order, (i) => this.values[i]), rows: Int32Array.from(order, (i) => this.rows[i]) };
  }
}

/** Every neuron's top and bottom rows, sorted, and the corpus statistics of the same pass. */
export interface TopContexts {
  neurons: number;
  k: number;
  rows: number;
  /** Row where each sentence starts, as ended through endSentence(); length sentences + 1. */
  sentenceOffsets: Int32Array;
  /** neurons x k, row-major: the k highest values of each neuron, highest first; the first topCount[j] are filled (row -1 after). */
  topValues: Float32Array;
  topRows: Int32Array;
  topCount: Int32Array;
  /** neurons x k: the k lowest values, lowest first. */
  bottomValues: Float32Array;
  bottomRows: Int32Array;
  bottomCount: Int32Array;
  stats: NeuronStats;
}

/**
 * Streams rows into the top and bottom heaps of every neuron and the per-neuron mean and
 * standard deviation (for z-scores), as an extraction sink or from stored chunks (addRows).
 */
export class TopContextsAccumulator implements ActivationSink {
  private neurons = 0;
  private rowCount = 0;
  private high = new ColumnTopK(0, 1);
  private low = new ColumnTopK(0, 1);
  private readonly stats = new NeuronStatsAccumulator();
  private offsets = new Int32Array(64);
  private sentences = 0;

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new GrainError(`the number of contexts must be a whole number from 1, not ${k}`);
  }

  async begin(sites: SiteInfo[]): Promise<void> {
    this.reset(totalNeurons(sites));
  }

  reset(neurons: number): void {
    this.neurons = neurons;
    this.rowCount = 0;
    this.high = new ColumnTopK(neurons, this.k);
    this.low = new ColumnTopK(neurons, this.k);
    this.stats.reset(neurons);
    this.offsets = new Int32Array(64);
    this.sentences = 0;
  }

  appendRows(_tokens: string[], rows: Float32Array): void {
    this.addRows(rows, rows.length / this.neurons);
  }

  /** The rows since the last end belong to one sentence. */
  endSentence(): void {
    if (this.sentences + 2 > this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[++this.sentences] = this.rowCount;
  }

  /** `count` rows (row-major, count x neurons), the next rows of the corpus. */
  addRows(data: Float32Array, count: number): void {
    const n = this.neurons;
    if (!Number.isInteger(count) || data.length < count * n) throw new GrainError(`${data.length} values are not ${count} rows of ${n} neurons`);
    const high = this.high;
    const low = this.low;
    const hi = high.threshold;
    const lo = low.threshold;
    for (let r = 0; r < count; r++) {
      const base = r * n;
      const row = this.rowCount + r;
      for (let j = 0; j < n; j++) {
        const v = data[base + j];
        if (v > hi[j]) high.push(j, v, row);
        // The bottom k are the top k of -v (same tie rule: the earlier row first).
        if (-v > lo[j]) low.push(j, -v, row);
      }
    }
    this.stats.addRows(data, count);
    this.rowCount += count;
  }

  async close(): Promise<void> {}

  async abort(): Promise<void> {
    this.reset(0);
  }

  result(): TopContexts {
    const { neurons, k } = this;
    const topValues = new Float32Array(neurons * k);
    const topRows = new Int32Array(neurons * k).fill(-1);
    const bottomValues = new Float32Array(neurons * k);
    const bottomRows = new Int32Array(neurons * k).fill(-1);
    const topCount = new Int32Array(neurons);
    const bottomCount = new Int32Array(neurons);
    for (let j = 0; j < neurons; j++) {
      const hi = this.high.sorted(j);
      const lo = this.low.sorted(j);
      topValues.set(hi.values, j * k);
      topRows.set(hi.rows, j * k);
      for (let i = 0; i < lo.values.length; i++) bottomValues[j * k + i] = -lo.values[i];
      bottomRows.set(lo.rows, j * k);
      topCount[j] = hi.rows.length;
      bottomCount[j] = lo.rows.length;
    }
    return {
      neurons,
      k,
      rows: this.rowCount,
      sentenceOffsets: this.offsets.slice(0, this.sentences + 1),
      topValues,
      topRows,
      topCount,
      bottomValues,
      bottomRows,
      bottomCount,
      stats: this.stats.result(),
    };
  }
}

/** The sentence holding `row` (offsets as in TopContexts: sentence starts, then the row count). */
export function sentenceOfRow(offsets: ArrayLike<number>, row: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0 || row < offsets[0] || row >= offsets[offsets.length - 1]) throw new GrainError(`row ${row} is outside the ${offsets.length - 1} sentences`);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
