import { CancelledError, GrainError } from '../errors';
import type { Aggregation } from '../../shared/jobs';
import type { ActivationSink } from '../store';
import type { EncodedSentence } from '../tokenize';
import type { ExtractionModel } from './model';
import { aggregateRows, planRows, type RowPlan } from './aggregate';
import { planBatches } from './batches';

export interface ExtractRequest {
  sentences: string[][];
  /** 1-based line of each sentence in `source`, for warnings and errors. */
  lines?: number[];
  source?: string;
  aggregation: Aggregation;
  subword: boolean;
  keepSpecial: boolean;
  batchSize: number;
  onProgress?: (done: number, total: number) => void;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ExtractSummary {
  sentences: number;
  rows: number;
  neurons: number;
  truncatedSentences: number;
  seconds: number;
}

/** Sentences per window: bounds memory while leaving room to sort by length. */
const WINDOW_BATCHES = 32;

/**
 * Runs the model over every sentence and streams one row per word (or subword) into the sink,
 * in the input order. The sink is aborted if anything fails or the run is cancelled, so no
 * partial result is ever left as if complete.
 */
export async function extractTo(model: ExtractionModel, req: ExtractRequest, sink: ActivationSink): Promise<ExtractSummary> {
  const started = performance.now();
  const total = req.sentences.length;
  if (total === 0) throw new GrainError('there are no sentences to extract', { file: req.source });
  const where = (i: number) => ({ file: req.source, line: req.lines?.[i] ?? i + 1 });

  const encoded: EncodedSentence[] = new Array(total);
  const lengths = new Int32Array(total);
  let truncatedSentences = 0;
  for (let i = 0; i < total; i++) {
    let enc: EncodedSentence;
    try {
      enc = model.tokenizer.encodeWords(req.sentences[i], { maxLength: model.maxLength });
    } catch (e) {
      if (e instanceof GrainError && !e.where.file) throw new GrainError(e.message, where(i), e.code);
      throw e;
    }
    if (enc.truncated) {
      truncatedSentences++;
      req.onWarning?.(
        `${formatWhere(where(i))}sentence truncated to the model's maximum of ${model.maxLength} tokens: its last ${enc.droppedWords} word(s) were dropped`,
      );
    }
    encoded[i] = enc;
    lengths[i] = enc.ids.length;
  }

  let rows = 0;
  let done = 0;
  try {
    await sink.begin(model.sites);
    const window = Math.max(1, req.batchSize) * WINDOW_BATCHES;
    const queue: { from: number; to: number; batch: number[]; last: boolean }[] = [];
    for (let from = 0; from < total; from += window) {
      const to = Math.min(total, from + window);
      const batches = planBatches(lengths, from, to, req.batchSize, !model.padSafe);
      batches.forEach((batch, k) => queue.push({ from, to, batch, last: k === batches.length - 1 }));
    }
    // One buffer per window, reused: aggregation writes each sentence's rows into it in place.
    let buffer = new Float32Array(0);
    let plans: RowPlan[] = [];
    let rowStart = new Int32Array(0);
    // Overlap: the next batch (of this window or the next) is queued while this one is
    // aggregated and, at the end of a window, while the window is written.
    let pending = runBatch(model, queue[0].batch, encoded);
    for (let q = 0; q < queue.length; q++) {
      if (req.signal?.aborted) throw new CancelledError();
      const { from, to, batch, last } = queue[q];
      if (plans.length === 0) {
        plans = new Array(to - from);
        rowStart = new Int32Array(to - from + 1);
        for (let i = from; i < to; i++) {
          plans[i - from] = planRows(encoded[i], req.sentences[i], req);
          rowStart[i - from + 1] = rowStart[i - from] + plans[i - from].tokens.length;
        }
        const needed = rowStart[to - from] * model.neurons;
        if (buffer.length < needed) buffer = new Float32Array(needed);
      }
      const readers = await pending;
      if (q + 1 < queue.length) pending = runBatch(model, queue[q + 1].batch, encoded);
      batch.forEach((i, b) => {
        const k = i - from;
        aggregateRows(plans[k], b, readers, model.neurons, req.aggregation, buffer.subarray(rowStart[k] * model.neurons, rowStart[k + 1] * model.neurons));
      });
      done += batch.length;
      req.onProgress?.(done, total);
      if (!last) continue;
      for (let k = 0; k < plans.length; k++) {
        await sink.appendSentence(plans[k].tokens, buffer.subarray(rowStart[k] * model.neurons, rowStart[k + 1] * model.neurons), req.sentences[from + k]);
        rows += plans[k].tokens.length;
      }
      plans = [];
    }
    await sink.close();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return { sentences: total, rows, neurons: model.neurons, truncatedSentences, seconds: (performance.now() - started) / 1000 };
}

function runBatch(model: ExtractionModel, batch: number[], encoded: EncodedSentence[]) {
  const running = model.run(batch.map((i) => encoded[i].ids));
  // A run still in flight when an earlier batch fails is abandoned: keep its rejection handled.
  running.catch(() => undefined);
  return running;
}

function formatWhere(w: { file?: string; line?: number }): string {
  return w.file ? `${w.file}:${w.line}: ` : `sentence ${w.line}: `;
}
