import type { SiteInfo } from '../activations';
import { siteOffsets } from '../neurons';
import { GrainError, throwIfAborted } from '../errors';
import { createGemm, type Gemm } from '../linalg/gemm';
import { lockstepRows, type ActivationSourceLike } from './source';

/** The one product correlation needs; the shared Gemm provides it. */
export type AtbProduct = Pick<Gemm, 'atb'>;

export interface NamedSource {
  name: string;
  source: ActivationSourceLike;
}

export interface AccumulateOptions {
  /** Rows per step (default 2048). Float32 products sum at most this many terms before float64 takes over. */
  chunkRows?: number;
  /** Also accumulate each site's own Gram block, needed for CKA (default true). */
  cka?: boolean;
  gemm?: AtbProduct;
  signal?: AbortSignal;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
}

/**
 * Everything correlation and CKA are derived from, over values shifted by a per-neuron constant
 * (the first chunk's mean, rounded to float32): with the shift, sums of products stay near the
 * centred ones, so removing the mean at the end does not cancel digits away.
 */
export interface CorrelationSums {
  names: string[];
  sites: SiteInfo[];
  neurons: number;
  rows: number;
  /** Per model: the shift subtracted from each neuron. */
  shift: Float64Array[];
  /** Per model: sum of shifted values per neuron. */
  sum: Float64Array[];
  /** Per model: sum of squared shifted values, accumulated in float64 row by row. */
  sumSq: Float64Array[];
  /** Per model: 1 where a neuron took a single value on every row (detected exactly, see accumulateCorrelation). */
  constant: Uint8Array[];
  /** Shifted X_i^T X_j for i < j at pairIndex(i, j), neurons x neurons row-major. */
  cross: Float64Array[];
  /** Per model, per site: shifted X_s^T X_s (width x width), or null when CKA was not asked for. */
  siteGram: Float64Array[][] | null;
}

export function pairIndex(models: number, i: number, j: number): number {
  if (!(i < j)) throw new RangeError(`pairIndex needs i < j, got ${i}, ${j}`);
  // Pairs are numbered row by row over the upper triangle.
  return i * models - (i * (i + 1)) / 2 + (j - i - 1);
}

function describeSites(sites: SiteInfo[]): string {
  return sites.map((s) => `${s.name}(${s.width})`).join(', ');
}

/** Same sites, widths, rows and tokens, or a GrainError that says which models differ and how. */
export function checkComparable(inputs: NamedSource[]): void {
  if (inputs.length < 2) throw new GrainError(`correlation needs at least two models, got ${inputs.length}`);
  const [first, ...rest] = inputs;
  const ref = first.source;
  for (const { name, source } of rest) {
    const a = ref.sites;
    const b = source.sites;
    const same = a.length === b.length && a.every((s, i) => s.name === b[i].name && s.width === b[i].width);
    if (!same) {
      throw new GrainError(
        `models '${first.name}' and '${name}' have different sites: ` +
          `'${first.name}' has ${describeSites(a)}; '${name}' has ${describeSites(b)}`,
      );
    }
    if (source.rows !== ref.rows) {
      throw new GrainError(
        `models '${first.name}' and '${name}' were run over different text: ${ref.rows} vs ${source.rows} token rows`,
      );
    }
    if (ref.tokens && source.tokens) {
      for (let r = 0; r < ref.rows; r++) {
        if (ref.tokens[r] !== source.tokens[r]) {
          throw new GrainError(
            `models '${first.name}' and '${name}' were run over different text: ` +
              `token ${r} is '${ref.tokens[r]}' vs '${source.tokens[r]}'`,
          );
        }
      }
    }
    if (ref.sentenceOffsets && source.sentenceOffsets) {
      const x = ref.sentenceOffsets;
      const y = source.sentenceOffsets;
      let differs = x.length !== y.length;
      for (let k = 0; !differs && k < x.length; k++) differs = x[k] !== y[k];
      if (differs) {
        throw new GrainError(`models '${first.name}' and '${name}' split the text into sentences differently`);
      }
    }
  }
}

/** Copies one site's columns out of a row-major block so the product sees a dense matrix. */
function siteColumns(data: Float32Array, rows: number, neurons: number, offset: number, width: number, out: Float32Array): Float32Array {
  const view = out.subarray(0, rows * width);
  for (let r = 0; r < rows; r++) view.set(data.subarray(r * neurons + offset, r * neurons + offset + width), r * width);
  return view;
}

/** The shift: column means of the first chunk, rounded to float32 so shifting is one float32 subtraction. */
function firstChunkShift(x: Float32Array, n: number, N: number, shift: Float64Array, shift32: Float32Array): void {
  for (let r = 0; r < n; r++) {
    const base = r * N;
    for (let c = 0; c < N; c++) shift[c] += x[base + c];
  }
  for (let c = 0; c < N; c++) {
    shift32[c] = shift[c] / n;
    shift[c] = shift32[c];
  }
}

/**
 * y = x - shift in float32, and float64 sums of y and y^2 of exactly the values the product sees.
 * Kept out of the async loop: V8 optimizes a plain function's typed-array loop far better.
 */
function shiftAndSum(x: Float32Array, n: number, N: number, shift: Float32Array, y: Float32Array, sum: Float64Array, sumSq: Float64Array): void {
  for (let r = 0; r < n; r++) {
    const base = r * N;
    for (let c = 0; c < N; c++) {
      const d = Math.fround(x[base + c] - shift[c]);
      y[base + c] = d;
      sum[c] += d;
      sumSq[c] += d * d;
    }
  }
}

function addInto(acc: Float64Array, part: Float32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += part[i];
}

/**
 * One pass over all models in lockstep. Memory: a chunk per model plus the float64 sums
 * (neurons^2 per pair); no model's rows are ever held whole.
 */
export async function accumulateCorrelation(inputs: NamedSource[], opts: AccumulateOptions = {}): Promise<CorrelationSums> {
  checkComparable(inputs);
  const chunkRows = opts.chunkRows ?? 2048;
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new GrainError(`chunkRows must be a positive integer, got ${chunkRows}`);
  const M = inputs.length;
  const sources = inputs.map((x) => x.source);
  const sites = sources[0].sites;
  const N = sources[0].neurons;
  const rows = sources[0].rows;
  if (rows === 0) throw new GrainError('correlation needs at least one token row; the activations are empty');
  const offsets = siteOffsets(sites);
  const withCka = opts.cka ?? true;

  const ownGemm = opts.gemm ? null : await createGemm();
  const gemm: AtbProduct = opts.gemm ?? ownGemm!;
  try {
    const shift = sources.map(() => new Float64Array(N));
    const shift32 = sources.map(() => new Float32Array(N));
    const sum = sources.map(() => new Float64Array(N));
    const sumSq = sources.map(() => new Float64Array(N));
    const cross: Float64Array[] = [];
    for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) cross.push(new Float64Array(N * N));
    const siteGram = withCka ? sources.map(() => sites.map((s) => new Float64Array(s.width * s.width))) : null;
    const shifted = sources.map(() => new Float32Array(chunkRows * N));
    const maxWidth = Math.max(...sites.map((s) => s.width));
    const siteBuf = sites.length > 1 ? new Float32Array(chunkRows * maxWidth) : null;

    let first = true;
    for await (const step of lockstepRows(sources, chunkRows)) {
      throwIfAborted(opts.signal);
      const n = step.rows;
      if (first) {
        for (let m = 0; m < M; m++) firstChunkShift(step.data[m], n, N, shift[m], shift32[m]);
        first = false;
      }
      const views: Float32Array[] = [];
      for (let m = 0; m < M; m++) {
        const y = shifted[m].subarray(0, n * N);
        shiftAndSum(step.data[m], n, N, shift32[m], y, sum[m], sumSq[m]);
        views.push(y);
      }
      let p = 0;
      for (let i = 0; i < M; i++) {
        for (let j = i + 1; j < M; j++) addInto(cross[p++], await gemm.atb(views[i], views[j], n, N, N));
      }
      if (siteGram) {
        for (let m = 0; m < M; m++) {
          for (let s = 0; s < sites.length; s++) {
            const w = sites[s].width;
            const block = siteBuf ? siteColumns(views[m], n, N, offsets[s], w, siteBuf) : views[m];
            addInto(siteGram[m][s], await gemm.atb(block, block, n, w, w));
          }
        }
      }
      opts.onProgress?.(step.start + n, rows);
    }
    for (let m = 0; m < M; m++) {
      for (let c = 0; c < N; c++) {
        if (!Number.isFinite(sum[m][c]) || !Number.isFinite(sumSq[m][c])) {
          throw new GrainError(`model '${inputs[m].name}': neuron ${c} has a non-finite activation; correlation would be meaningless`);
        }
      }
    }
    // The square of any non-zero float32 is a non-zero float64, so a zero sum of squared
    // deviations from the shift means every row held the shift value: the neuron is constant.
    const constant = sumSq.map((sq) => Uint8Array.from(sq, (v) => (v === 0 ? 1 : 0)));
    return { names: inputs.map((x) => x.name), sites, neurons: N, rows, shift, sum, sumSq, constant, cross, siteGram };
  } finally {
    await ownGemm?.dispose();
  }
}

/** Centred sum of squares per neuron of model m (n times the variance); 0 for constant neurons. */
export function centredSumSq(s: CorrelationSums, m: number): Float64Array {
  const out = new Float64Array(s.neurons);
  for (let c = 0; c < s.neurons; c++) {
    const v = s.sumSq[m][c] - (s.sum[m][c] * s.sum[m][c]) / s.rows;
    out[c] = s.constant[m][c] || v <= 0 ? 0 : v;
  }
  return out;
}

/** Pearson r of every neuron of model i (rows) with every neuron of model j (columns); 0 where either is constant. */
export function correlationMatrix(s: CorrelationSums, i: number, j: number): Float64Array {
  if (i === j) throw new RangeError('correlationMatrix compares two different models');
  const swap = i > j;
  const a = swap ? j : i;
  const b = swap ? i : j;
  const C = s.cross[pairIndex(s.names.length, a, b)];
  const N = s.neurons;
  const n = s.rows;
  const va = centredSumSq(s, a);
  const vb = centredSumSq(s, b);
  const sa = s.sum[a];
  const sb = s.sum[b];
  const out = new Float64Array(N * N);
  for (let x = 0; x < N; x++) {
    for (let y = 0; y < N; y++) {
      const den = va[x] * vb[y];
      let r = 0;
      if (den > 0) {
        r = (C[x * N + y] - (sa[x] * sb[y]) / n) / Math.sqrt(den);
        // Float32 products can push |r| a hair past 1 for identical neurons.
        r = r > 1 ? 1 : r < -1 ? -1 : r;
      }
      if (swap) out[y * N + x] = r;
      else out[x * N + y] = r;
    }
  }
  return out;
}
