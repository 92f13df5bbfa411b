/**
 * Probe training data: the rows of an activation source that have a label (y >= 0), restricted
 * to chosen columns (all neurons, one layer, or any subset). One validating pass computes class
 * counts and per-column mean/std in float64; afterwards rows come out in fixed-size batches,
 * either from one in-memory copy or, when that would exceed the memory budget, by re-reading
 * the source every epoch.
 */
import { GrainError, throwIfAborted } from '../errors';

export interface RowChunk {
  start: number;
  rows: number;
  data: Float32Array;
}

/** Structurally what src/core/store's ActivationSource offers (and matrixSource adapts). */
export interface ProbeSource {
  neurons: number;
  rows: number;
  tokens?: ArrayLike<string>;
  sentenceOffsets?: ArrayLike<number>;
  chunks(maxRows: number): Iterable<RowChunk> | AsyncIterable<RowChunk>;
}

export interface ProbeDataOptions {
  /** Neuron ids to train on, in this order; default all. */
  columns?: ArrayLike<number>;
  /** Number of classes; default max(y) + 1. */
  classes?: number;
  /** Keep an in-memory copy when it takes at most this many bytes (default 1.5 GiB). */
  memoryBytes?: number;
  /** Rows per chunk when reading the source (default 4096). */
  chunkRows?: number;
  /** Refuse data whose labels hold fewer than two classes (training needs two). */
  requireTwoClasses?: boolean;
  /** File named in errors, e.g. the activations file. */
  file?: string;
  signal?: AbortSignal;
}

export interface Batch {
  /** Batch number in data order (0-based). */
  index: number;
  rows: number;
  /** rows x width, row-major. */
  x: Float32Array;
  y: Int32Array;
}

export interface ProbeData {
  /** Columns per row (the selected neurons). */
  width: number;
  /** Neuron id of each column. */
  columns: Int32Array;
  /** Labelled rows. */
  rows: number;
  classes: number;
  classCounts: Float64Array;
  mean: Float64Array;
  /** Population standard deviation; 0 for constant columns. */
  std: Float64Array;
  inMemory: boolean;
  batches(batchRows: number): AsyncIterable<Batch>;
}

/** Where row r is, for messages: its sentence and token when the source knows them. */
export function describeRow(source: Pick<ProbeSource, 'tokens' | 'sentenceOffsets'>, r: number): string {
  const offsets = source.sentenceOffsets;
  if (!offsets || offsets.length < 2) return `row ${r}`;
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= r) lo = mid;
    else hi = mid - 1;
  }
  const tok = source.tokens?.[r];
  return `row ${r} (sentence ${lo + 1}, token ${r - offsets[lo] + 1}${tok !== undefined ? ` '${tok}'` : ''})`;
}

function resolveColumns(neurons: number, columns: ArrayLike<number> | undefined, file: string | undefined): Int32Array {
  if (!columns) return Int32Array.from({ length: neurons }, (_, i) => i);
  if (columns.length === 0) throw new GrainError('probe: the neuron selection is empty', { file });
  const out = new Int32Array(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    if (!Number.isInteger(c) || c < 0 || c >= neurons) {
      throw new GrainError(`probe: neuron ${c} is out of range (the activations have ${neurons} neurons)`, { file });
    }
    out[i] = c;
  }
  return out;
}

/** Adds the column sums of (x - shift) and of its squares over the rows of x [rows x width]. */
function addMoments(x: Float32Array, rows: number, width: number, shift: Float64Array, sum: Float64Array, sumSq: Float64Array): void {
  let r = 0;
  // Four rows per pass over the columns: a quarter of the loads and stores of the sums.
  for (; r + 4 <= rows; r += 4) {
    const b0 = r * width;
    const b1 = b0 + width;
    const b2 = b1 + width;
    const b3 = b2 + width;
    for (let j = 0; j < width; j++) {
      const s = shift[j];
      const d0 = x[b0 + j] - s;
      const d1 = x[b1 + j] - s;
      const d2 = x[b2 + j] - s;
      const d3 = x[b3 + j] - s;
      sum[j] += d0 + d1 + d2 + d3;
      sumSq[j] += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
    }
  }
  for (; r < rows; r++) {
    const base = r * width;
    for (let j = 0; j < width; j++) {
      const d = x[base + j] - shift[j];
      sum[j] += d;
      sumSq[j] += d * d;
    }
  }
}

/** The first non-finite labelled activation of a chunk, as an error naming its row and neuron. */
function nonFinite(source: ProbeSource, chunk: RowChunk, y: Int32Array, cols: Int32Array, file: string | undefined): GrainError {
  const n = source.neurons;
  for (let i = 0; i < chunk.rows; i++) {
    const r = chunk.start + i;
    if (y[r] < 0) continue;
    for (const c of cols) {
      const v = chunk.data[i * n + c];
      if (!Number.isFinite(v)) {
        return new GrainError(`probe: activation ${v} at ${describeRow(source, r)}, neuron ${c}; activations must be finite`, { file });
      }
    }
  }
  return new GrainError('probe: the activations hold a value that is not finite', { file });
}

async function* chunksOf(source: ProbeSource, chunkRows: number): AsyncGenerator<RowChunk> {
  for await (const c of source.chunks(chunkRows) as AsyncIterable<RowChunk>) yield c;
}

export async function loadProbeData(source: ProbeSource, y: Int32Array, opts: ProbeDataOptions = {}): Promise<ProbeData> {
  const file = opts.file;
  if (y.length !== source.rows) {
    throw new GrainError(`probe: ${y.length} labels for ${source.rows} activation rows; they must match one to one`, { file });
  }
  let maxLabel = -1;
  let kept = 0;
  for (let r = 0; r < y.length; r++) {
    const v = y[r];
    if (v < -1) throw new GrainError(`probe: label ${v} at ${describeRow(source, r)} is invalid (use -1 to skip a row)`, { file });
    if (v >= 0) kept++;
    if (v > maxLabel) maxLabel = v;
  }
  const classes = opts.classes ?? maxLabel + 1;
  if (maxLabel >= classes) throw new GrainError(`probe: label ${maxLabel} is out of range for ${classes} classes`, { file });
  if (kept === 0) throw new GrainError('probe: no labelled rows (every label is -1)', { file });
  const classCounts = new Float64Array(classes);
  for (let r = 0; r < y.length; r++) if (y[r] >= 0) classCounts[y[r]]++;
  const present = classCounts.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
  if (opts.requireTwoClasses && present < 2) {
    throw new GrainError(`probe: the labels hold ${present} class; a classifier needs at least two`, { file });
  }

  const cols = resolveColumns(source.neurons, opts.columns, file);
  const width = cols.length;
  const all = width === source.neurons && cols.every((c, i) => c === i);
  const inMemory = kept * width * 4 <= (opts.memoryBytes ?? 1.5 * 2 ** 30);
  const chunkRows = opts.chunkRows ?? 4096;
  const store = inMemory ? new Float32Array(kept * width) : null;
  const labels = inMemory ? new Int32Array(kept) : null;

  // Shifted sums (by the first labelled row) keep the float64 variance free of cancellation.
  const shift = new Float64Array(width);
  const sum = new Float64Array(width);
  const sumSq = new Float64Array(width);
  let haveShift = false;
  let at = 0;
  const n = source.neurons;
  // Each chunk's labelled rows (selected columns) are gathered into the in-memory copy, or into
  // a scratch block when streaming, and their sums are taken there.
  const scratch = store ? undefined : new Float32Array(chunkRows * width);
  for await (const chunk of chunksOf(source, chunkRows)) {
    throwIfAborted(opts.signal);
    const values = chunk.data;
    const block = store ? store.subarray(at * width) : scratch!;
    let k = 0;
    for (let i = 0; i < chunk.rows; i++) {
      const label = y[chunk.start + i];
      if (label < 0) continue;
      if (all) block.set(values.subarray(i * n, (i + 1) * n), k * width);
      else for (let j = 0; j < width; j++) block[k * width + j] = values[i * n + cols[j]];
      if (labels) labels[at + k] = label;
      k++;
    }
    if (k === 0) continue;
    if (!haveShift) {
      for (let j = 0; j < width; j++) shift[j] = block[j];
      haveShift = true;
    }
    addMoments(block, k, width, shift, sum, sumSq);
    // A NaN or infinity makes its column's sums non-finite for good (float32 values cannot
    // overflow a float64 sum of squares): check once per chunk, then find it for the message.
    if (!sum.every(Number.isFinite) || !sumSq.every(Number.isFinite)) throw nonFinite(source, chunk, y, cols, file);
    at += k;
  }
  if (at !== kept) throw new GrainError(`probe: the activations yielded ${at} labelled rows, expected ${kept}`, { file });
  const mean = new Float64Array(width);
  const std = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    const m = sum[j] / kept;
    mean[j] = shift[j] + m;
    std[j] = Math.sqrt(Math.max(0, sumSq[j] / kept - m * m));
  }

  async function* memoryBatches(batchRows: number): AsyncGenerator<Batch> {
    for (let s = 0, index = 0; s < kept; s += batchRows, index++) {
      const rows = Math.min(batchRows, kept - s);
      yield { index, rows, x: store!.subarray(s * width, (s + rows) * width), y: labels!.subarray(s, s + rows) };
    }
  }

  async function* streamedBatches(batchRows: number): AsyncGenerator<Batch> {
    let x = new Float32Array(batchRows * width);
    let yb = new Int32Array(batchRows);
    let fill = 0;
    let index = 0;
    for await (const chunk of chunksOf(source, chunkRows)) {
      throwIfAborted(opts.signal);
      for (let i = 0; i < chunk.rows; i++) {
        const r = chunk.start + i;
        if (y[r] < 0) continue;
        const row = chunk.data.subarray(i * n, (i + 1) * n);
        if (all) x.set(row, fill * width);
        else for (let j = 0; j < width; j++) x[fill * width + j] = row[cols[j]];
        yb[fill++] = y[r];
        if (fill === batchRows) {
          yield { index: index++, rows: fill, x, y: yb };
          x = new Float32Array(batchRows * width);
          yb = new Int32Array(batchRows);
          fill = 0;
        }
      }
    }
    if (fill > 0) yield { index, rows: fill, x: x.subarray(0, fill * width), y: yb.subarray(0, fill) };
  }

  return {
    width,
    columns: cols,
    rows: kept,
    classes,
    classCounts,
    mean,
    std,
    inMemory,
    batches: (batchRows: number) => {
      if (!Number.isInteger(batchRows) || batchRows < 1) throw new GrainError(`probe: batch size must be a positive integer, got ${batchRows}`);
      return inMemory ? memoryBatches(batchRows) : streamedBatches(batchRows);
    },
  };
}

/** An in-memory source over a rows x neurons matrix (tests, synthetic runs, small corpora). */
export function arraySource(data: Float32Array, rows: number, neurons: number, extra: Pick<ProbeSource, 'tokens' | 'sentenceOffsets'> = {}): ProbeSource {
  if (data.length !== rows * neurons) throw new GrainError(`activations hold ${data.length} values, expected ${rows} x ${neurons}`);
  return {
    ...extra,
    neurons,
    rows,
    *chunks(maxRows: number) {
      for (let start = 0; start < rows; start += maxRows) {
        const n = Math.min(maxRows, rows - start);
        yield { start, rows: n, data: data.subarray(start * neurons, (start + n) * neurons) };
      }
    },
  };
}
