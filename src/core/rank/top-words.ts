import type { ActivationMatrix } from '../activations';
import { GrainError } from '../errors';

/** A block of consecutive activation rows: rows x neurons, row-major, starting at row `start`. */
export interface ActivationChunk {
  start: number;
  rows: number;
  data: Float32Array;
}

/**
 * Activations that may not fit in memory: the tokens (one per row) and the rows in chunks of
 * at most `maxRows`, in order from row 0.
 */
export interface ChunkedActivations {
  tokens: string[];
  neurons: number;
  chunks(maxRows: number): Iterable<ActivationChunk>;
}

/** An in-memory matrix as a chunked source (chunks are views, nothing is copied). */
export function chunkedFromMatrix(m: ActivationMatrix): ChunkedActivations {
  return {
    tokens: m.tokens,
    neurons: m.neurons,
    *chunks(maxRows: number) {
      for (let start = 0; start < m.tokens.length; start += maxRows) {
        const rows = Math.min(maxRows, m.tokens.length - start);
        yield { start, rows, data: m.data.subarray(start * m.neurons, (start + rows) * m.neurons) };
      }
    },
  };
}

export interface TopWordsOptions {
  /** How many words; 0 = all above the threshold (NeuroX num_tokens). */
  n?: number;
  /** Keep words whose normalised score is above this (NeuroX min_threshold, default 0.1). */
  minThreshold?: number;
  /** Rows read per chunk; default 8192. */
  chunkRows?: number;
}

export interface TopWords {
  words: string[];
  scores: Float64Array;
}

/**
 * NeuroX get_top_words: z = (a - mean) / std over all tokens (population std), then per word
 * type the mean of |z| over its occurrences, divided by the largest such mean; types scoring
 * above minThreshold, best first (ties in order of first occurrence), at most n of them.
 * As in NeuroX the 0.1 threshold applies also when only n is given; giving both is an error.
 */
export function topWords(source: ChunkedActivations, neuron: number, opts: TopWordsOptions = {}): TopWords {
  const n = opts.n ?? 0;
  if (n !== 0 && opts.minThreshold !== undefined) throw new GrainError('give either a number of words or a minimum score, not both');
  checkCount(n);
  const threshold = opts.minThreshold ?? 0.1;
  const st = typeStats(source, neuron, opts.chunkRows);
  const T = st.types.length;
  const score = new Float64Array(T);
  let max = 0;
  for (let t = 0; t < T; t++) {
    score[t] = st.sumAbsDev[t] / st.count[t] / st.std;
    if (score[t] > max) max = score[t];
  }
  for (let t = 0; t < T; t++) score[t] /= max;
  const picked = rank(T, (t) => score[t] > threshold, (a, b) => score[b] - score[a], n);
  return { words: picked.map((t) => st.types[t]), scores: Float64Array.from(picked, (t) => score[t]) };
}

export interface TopWordsZOptions {
  n?: number;
  /** `high`: most above the mean first; `low`: most below; `both`: largest |mean z|. Default high. */
  direction?: 'high' | 'low' | 'both';
  /** Ignore types seen fewer times (one-off words make noisy means). Default 1. */
  minCount?: number;
  chunkRows?: number;
}

export interface TopWordsZ {
  words: string[];
  /** Mean signed z-score of the type's occurrences, in corpus standard deviations. */
  meanZ: Float64Array;
  counts: Int32Array;
  /** The neuron's corpus mean and (population) standard deviation. */
  mean: number;
  std: number;
}

/**
 * The words whose activations stand out most from the neuron's corpus mean, in signed z units
 * (not rescaled to the best word as NeuroX does), so direction and size are both visible.
 */
export function topWordsZ(source: ChunkedActivations, neuron: number, opts: TopWordsZOptions = {}): TopWordsZ {
  const n = opts.n ?? 20;
  checkCount(n);
  const minCount = opts.minCount ?? 1;
  const direction = opts.direction ?? 'high';
  const st = typeStats(source, neuron, opts.chunkRows);
  const T = st.types.length;
  const z = new Float64Array(T);
  for (let t = 0; t < T; t++) z[t] = st.sumDev[t] / st.count[t] / st.std;
  const key = direction === 'high' ? (t: number) => z[t] : direction === 'low' ? (t: number) => -z[t] : (t: number) => Math.abs(z[t]);
  const picked = rank(T, (t) => st.count[t] >= minCount, (a, b) => key(b) - key(a), n);
  return {
    words: picked.map((t) => st.types[t]),
    meanZ: Float64Array.from(picked, (t) => z[t]),
    counts: Int32Array.from(picked, (t) => st.count[t]),
    mean: st.mean,
    std: st.std,
  };
}

/** Stable sort of the types passing `keep` (ties stay in first-occurrence order), first n (0 = all). */
function rank(T: number, keep: (t: number) => boolean, cmp: (a: number, b: number) => number, n: number): number[] {
  const ids: number[] = [];
  for (let t = 0; t < T; t++) if (keep(t)) ids.push(t);
  ids.sort((a, b) => cmp(a, b) || a - b);
  return n > 0 ? ids.slice(0, n) : ids;
}

interface TypeStats {
  /** Word types in order of first occurrence. */
  types: string[];
  count: Int32Array;
  /** Per type, sum of |a - mean| and of (a - mean), float64. */
  sumAbsDev: Float64Array;
  sumDev: Float64Array;
  mean: number;
  std: number;
}

function typeStats(source: ChunkedActivations, neuron: number, chunkRows = 8192): TypeStats {
  const column = readColumn(source, neuron, chunkRows);
  const N = column.length;
  let sum = 0;
  for (let i = 0; i < N; i++) sum += column[i];
  const mean = sum / N;
  let ss = 0;
  for (let i = 0; i < N; i++) ss += (column[i] - mean) ** 2;
  const std = Math.sqrt(ss / N);
  if (!(std > 0)) throw new GrainError(`neuron ${neuron} has the same activation (${mean}) on every token; its z-scores are undefined`);
  const typeOf = new Map<string, number>();
  const types: string[] = [];
  const ids = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const w = source.tokens[i];
    let t = typeOf.get(w);
    if (t === undefined) {
      t = types.length;
      typeOf.set(w, t);
      types.push(w);
    }
    ids[i] = t;
  }
  const count = new Int32Array(types.length);
  const sumAbsDev = new Float64Array(types.length);
  const sumDev = new Float64Array(types.length);
  for (let i = 0; i < N; i++) {
    const d = column[i] - mean;
    count[ids[i]]++;
    sumAbsDev[ids[i]] += Math.abs(d);
    sumDev[ids[i]] += d;
  }
  return { types, count, sumAbsDev, sumDev, mean, std };
}

/**
 * One neuron's activations over all rows, in one pass over the source: a single column is
 * small even when the whole store is not.
 */
function readColumn(source: ChunkedActivations, neuron: number, chunkRows: number): Float32Array {
  const { neurons } = source;
  const N = source.tokens.length;
  if (!Number.isInteger(neuron) || neuron < 0 || neuron >= neurons) throw new GrainError(`neuron ${neuron} is out of range (${neurons} neurons)`);
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new GrainError(`chunk size must be a positive integer, got ${chunkRows}`);
  if (N === 0) throw new GrainError('no tokens to rank words over');
  const column = new Float32Array(N);
  let next = 0;
  for (const chunk of source.chunks(chunkRows)) {
    if (chunk.start !== next) throw new GrainError(`activation chunks are out of order: expected row ${next}, got ${chunk.start}`);
    if (chunk.rows < 1 || chunk.rows > chunkRows || next + chunk.rows > N) throw new GrainError(`activation chunk at row ${next} has ${chunk.rows} rows`);
    if (chunk.data.length !== chunk.rows * neurons) {
      throw new GrainError(`activation chunk at row ${next} has ${chunk.data.length} values for ${chunk.rows} rows x ${neurons} neurons`);
    }
    for (let r = 0; r < chunk.rows; r++) {
      const v = chunk.data[r * neurons + neuron];
      if (!Number.isFinite(v)) throw new GrainError(`activation of neuron ${neuron} at row ${next + r} ('${source.tokens[next + r]}') is ${v}`);
      column[next + r] = v;
    }
    next += chunk.rows;
  }
  if (next !== N) throw new GrainError(`activations have ${next} rows for ${N} tokens`);
  return column;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new GrainError(`number of words must be a non-negative integer, got ${n}`);
}
