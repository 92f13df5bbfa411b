import type { ActivationMatrix, SiteInfo } from '../activations';
import { rowCount } from '../activations';
import { GrainError } from '../errors';

/** A block of consecutive rows: `data` is rows x neurons, row-major. */
export interface RowChunk {
  start: number;
  rows: number;
  data: Float32Array;
}

/**
 * What correlation needs from a model's activations: the store's chunked source satisfies it,
 * and matrixSource() adapts an in-memory matrix. Rows are read once, a chunk at a time.
 */
export interface ActivationSourceLike {
  sites: SiteInfo[];
  neurons: number;
  rows: number;
  tokens?: ArrayLike<string>;
  sentenceOffsets?: ArrayLike<number>;
  chunks(maxRows: number): Iterable<RowChunk> | AsyncIterable<RowChunk>;
}

export function matrixSource(m: ActivationMatrix): ActivationSourceLike {
  const rows = rowCount(m);
  return {
    sites: m.sites,
    neurons: m.neurons,
    rows,
    tokens: m.tokens,
    sentenceOffsets: m.sentenceOffsets,
    *chunks(maxRows: number) {
      for (let start = 0; start < rows; start += maxRows) {
        const n = Math.min(maxRows, rows - start);
        yield { start, rows: n, data: m.data.subarray(start * m.neurons, (start + n) * m.neurons) };
      }
    },
  };
}

function iteratorOf(it: Iterable<RowChunk> | AsyncIterable<RowChunk>): Iterator<RowChunk> | AsyncIterator<RowChunk> {
  return Symbol.asyncIterator in it ? it[Symbol.asyncIterator]() : (it as Iterable<RowChunk>)[Symbol.iterator]();
}

/** One step of the lockstep walk: the same rows of every source (views, no copies). */
export interface AlignedRows {
  start: number;
  rows: number;
  data: Float32Array[];
}

/**
 * Walks several sources over the same rows together. Sources may cut their chunks differently,
 * so each step takes the rows all of them have at hand; rows are contiguous in a row-major
 * chunk, so every step is a view.
 */
export async function* lockstepRows(sources: ActivationSourceLike[], maxRows: number): AsyncGenerator<AlignedRows> {
  const its = sources.map((s) => iteratorOf(s.chunks(maxRows)));
  const cur: (RowChunk | null)[] = sources.map(() => null);
  const used = sources.map(() => 0);
  let at = 0;
  const total = sources[0].rows;
  try {
    while (at < total) {
      for (let i = 0; i < sources.length; i++) {
        if (cur[i] && used[i] < cur[i]!.rows) continue;
        const r = await its[i].next();
        if (r.done) throw new GrainError(`activation source ${i} ended at row ${at} of ${total}`);
        if (r.value.start !== at) throw new GrainError(`activation source ${i} gave rows from ${r.value.start}, expected ${at}`);
        cur[i] = r.value;
        used[i] = 0;
      }
      // A source may hand out bigger chunks than asked for; steps never exceed maxRows.
      let n = Math.min(maxRows, total - at);
      for (let i = 0; i < sources.length; i++) n = Math.min(n, cur[i]!.rows - used[i]);
      const data = sources.map((s, i) => cur[i]!.data.subarray(used[i] * s.neurons, (used[i] + n) * s.neurons));
      yield { start: at, rows: n, data };
      for (let i = 0; i < sources.length; i++) used[i] += n;
      at += n;
    }
  } finally {
    for (const it of its) await it.return?.();
  }
}
