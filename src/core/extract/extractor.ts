import { CancelledError, GrainError, formatLocation } from '../errors';
import type { ActivationSink } from '../store';
import { quoteWord, type EncodedWindow } from '../tokenize';
import type { ExtractionModel } from './model';
import { aggregateRows, planRows, type Aggregation, type RowPlan } from './aggregate';
import { planBatches } from './batches';
import { slicePlacer } from './placement';

export interface ExtractRequest {
  sentences: string[][];
  /** 1-based line of each sentence in `source`, for warnings and errors. */
  lines?: number[];
  source?: string;
  aggregation: Aggregation;
  subword: boolean;
  keepSpecial: boolean;
  batchSize: number;
  /**
   * A sentence longer than `size` positions runs in windows of that size, each repeating
   * `overlap` tokens of left context (defaults: the model's position limit up to
   * MAX_DEFAULT_WINDOW, else DEFAULT_WINDOW; DEFAULT_OVERLAP).
   */
  window?: { size?: number; overlap?: number };
  onProgress?: (done: number, total: number) => void;
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ExtractSummary {
  sentences: number;
  rows: number;
  neurons: number;
  /** Sentences longer than a window, run as several overlapping windows. */
  windowedSentences: number;
  seconds: number;
}

/** Window for models without a position limit (LSTMs): memory is bounded by it, not by one line. */
export const DEFAULT_WINDOW = 512;
/**
 * The longest position limit taken as the default window. Tokenizer configs state "no limit" as
 * a huge one (Hugging Face's 1e30, the demo LSTMs' 1,000,000): taken at its word, one 1 MB line
 * ran as a single window of 200,000 positions and 15 GB.
 */
export const MAX_DEFAULT_WINDOW = 8192;
export const DEFAULT_OVERLAP = 64;
/** Batches per slice of the corpus: bounds memory while leaving room to sort by length. */
const WINDOW_BATCHES = 32;
/** Positions per slice of the corpus per sentence of a batch: long windows make smaller slices. */
const POSITIONS_PER_SLOT = 32;
/** Padded positions per batch per sentence of a batch: long windows make smaller batches. */
const BATCH_POSITIONS_PER_SLOT = 64;
/** Windowed sentences named one by one in warnings before the rest are counted. */
const NAMED_WINDOWED = 3;
/** Words without tokens named one by one in warnings before the rest are counted. */
const NAMED_EMPTY = 5;

interface Segment {
  sentence: number;
  enc: EncodedWindow;
  /** Last window of its sentence. */
  last: boolean;
}

/**
 * Runs the model over every sentence and streams one row per word (or subword) into the sink,
 * in the input order. Memory is bounded by a slice of the corpus (a few thousand positions per
 * batch slot), never by the corpus or one long line: a sentence longer than the window runs in
 * overlapping windows and reaches the sink in pieces. The sink is aborted if anything fails or
 * the run is cancelled, so no partial result is ever left as if complete.
 */
export async function extractTo(model: ExtractionModel, req: ExtractRequest, sink: ActivationSink): Promise<ExtractSummary> {
  const started = performance.now();
  const total = req.sentences.length;
  if (total === 0) throw new GrainError('there are no sentences to extract', { file: req.source });
  const { size, overlap } = windowOf(model, req);
  const { segments, windowed: windowedSentences } = encodeAll(model, req, size, overlap);
  const lengths = Int32Array.from(segments, (s) => s.enc.ids.length);

  let rows = 0;
  let done = 0;
  try {
    await sink.begin(model.sites);
    const slices = sliceCorpus(lengths, req.batchSize, size);
    const queue = slices.flatMap(({ from, to }) =>
      planBatches(lengths, from, to, req.batchSize, !model.padSafe, Math.max(size, req.batchSize * BATCH_POSITIONS_PER_SLOT)).map((batch, k, all) => ({ from, to, batch, last: k === all.length - 1 })),
    );
    const placer = slicePlacer(sink, model.neurons);
    let plans: RowPlan[] = [];
    // The next batch (of this slice or the next) is queued before this one is aggregated and
    // handed to the sink: a session on a thread of its own (the bench's variant) runs it
    // meanwhile; onnxruntime on this thread runs it at the next await.
    let pending = runBatch(model, queue[0].batch, segments);
    for (let q = 0; q < queue.length; q++) {
      if (req.signal?.aborted) throw new CancelledError();
      const { from, to, batch, last } = queue[q];
      if (plans.length === 0) {
        plans = [];
        for (let s = from; s < to; s++) plans.push(planRows(segments[s].enc, req.sentences[segments[s].sentence], req));
        await placer.begin(plans.map((p, k) => ({ tokens: p.tokens, endsSentence: segments[from + k].last ? req.sentences[segments[from + k].sentence] : undefined })));
      }
      const readers = await pending;
      if (q + 1 < queue.length) pending = runBatch(model, queue[q + 1].batch, segments);
      batch.forEach((s, b) => {
        const k = s - from;
        aggregateRows(plans[k], b, readers, model.neurons, req.aggregation, placer.target(k));
        placer.commit(k);
      });
      done += batch.length;
      req.onProgress?.(done, segments.length);
      if (!last) continue;
      await placer.end();
      for (const p of plans) rows += p.tokens.length;
      plans = [];
    }
    await sink.close();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return { sentences: total, rows, neurons: model.neurons, windowedSentences, seconds: (performance.now() - started) / 1000 };
}

function windowOf(model: ExtractionModel, req: ExtractRequest): { size: number; overlap: number } {
  const limit = model.maxLength ?? Infinity;
  const asked = req.window?.size;
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 8)) throw new GrainError(`the window must be a whole number of positions from 8, not ${asked}`);
  if (asked !== undefined && asked > limit) {
    req.onWarning?.(`a window of ${asked} positions is more than the model takes (${limit}); using ${limit}`);
  }
  const size = Math.min(asked ?? (limit <= MAX_DEFAULT_WINDOW ? limit : DEFAULT_WINDOW), limit);
  const overlap = req.window?.overlap ?? Math.min(DEFAULT_OVERLAP, Math.floor(size / 4));
  if (!(Number.isInteger(overlap) && overlap >= 0 && overlap < size / 2)) {
    throw new GrainError(`the window overlap must be a whole number of tokens below half the window (${size}), not ${overlap}`);
  }
  return { size, overlap };
}

/** Every sentence as one or more windows, checked before anything runs (a bad word costs nothing). */
function encodeAll(model: ExtractionModel, req: ExtractRequest, size: number, overlap: number): { segments: Segment[]; windowed: number } {
  const segments: Segment[] = [];
  let windowed = 0;
  let empty = 0;
  for (let i = 0; i < req.sentences.length; i++) {
    const where = { file: req.source, line: req.lines?.[i] ?? i + 1 };
    const words = req.sentences[i];
    const windows = model.tokenizer.encodeWindows(words, { size, overlap, where: req.source ? where : { line: where.line } });
    windows.forEach((enc, k) => segments.push({ sentence: i, enc, last: k === windows.length - 1 }));
    for (const w of windows.flatMap((enc) => enc.emptyWords)) {
      if (!req.subword && req.keepSpecial) refuseNextToSpecial(windows, words, w, where);
      if (++empty > NAMED_EMPTY) continue;
      req.onWarning?.(
        `${formatLocation(req.source ? where : {}) || `sentence ${i + 1}: `}word ${w + 1} ${quoteWord(words[w])} gives no tokens (the tokenizer's normalizer ` +
          `removes it): the model reads the line without it, and ${req.subword ? 'it has no row' : 'its row is zeros'}, as in NeuroX`,
      );
    }
    if (windows.length === 1) continue;
    if (++windowed <= NAMED_WINDOWED) {
      const tokens = windows.reduce((n, w) => n + w.owned.reduce((a, b) => a + b, 0), 0);
      req.onWarning?.(
        `${formatLocation(req.source ? where : {}) || `sentence ${i + 1}: `}a sentence of ${tokens} tokens is longer than the window of ${size} positions: ` +
          `it runs as ${windows.length} overlapping windows, each word after the first window seeing up to ${overlap} tokens of left context, not the whole line`,
      );
    }
  }
  if (windowed > NAMED_WINDOWED) req.onWarning?.(`${windowed - NAMED_WINDOWED} more sentence(s) of ${req.source ?? 'the input'} were run as overlapping windows of ${size} positions`);
  if (empty > NAMED_EMPTY) req.onWarning?.(`${empty - NAMED_EMPTY} more word(s) of ${req.source ?? 'the input'} give no tokens; their rows are zeros`);
  return { segments, windowed };
}

/**
 * With special tokens kept as rows, a word without tokens right after the leading special
 * tokens or right before the trailing ones could sit on either side of them: NeuroX's extractor
 * refuses that sentence ("A token dropped by the tokenizer appeared next to a special token"),
 * and so does Grain.
 */
function refuseNextToSpecial(windows: EncodedWindow[], words: readonly string[], w: number, where: { file?: string; line: number }): void {
  const first = windows[0];
  const last = windows[windows.length - 1];
  const before = w === 0 && first.special[0] === 1 ? first.tokens[0] : undefined;
  const after = w === words.length - 1 && last.special[last.special.length - 1] === 1 ? last.tokens[last.tokens.length - 1] : undefined;
  const special = before ?? after;
  if (special === undefined) return;
  throw new GrainError(
    `word ${w + 1} ${quoteWord(words[w])} gives no tokens and sits next to the special token ${JSON.stringify(special)}, so its row could go ` +
      'on either side of it (NeuroX refuses this too): remove the word, or extract without --keep-special',
    where,
  );
}

/** Consecutive segment ranges holding at most WINDOW_BATCHES batches and a bounded number of positions. */
function sliceCorpus(lengths: Int32Array, batchSize: number, window: number): { from: number; to: number }[] {
  const maxSegments = Math.max(1, batchSize) * WINDOW_BATCHES;
  const maxPositions = Math.max(window, maxSegments * POSITIONS_PER_SLOT);
  const slices: { from: number; to: number }[] = [];
  for (let from = 0; from < lengths.length; ) {
    let to = from;
    let positions = 0;
    while (to < lengths.length && to - from < maxSegments && (to === from || positions + lengths[to] <= maxPositions)) positions += lengths[to++];
    slices.push({ from, to });
    from = to;
  }
  return slices;
}

function runBatch(model: ExtractionModel, batch: number[], segments: Segment[]) {
  const running = model.run(batch.map((s) => segments[s].enc.ids));
  // A run still in flight when an earlier batch fails is abandoned: keep its rejection handled.
  running.catch(() => undefined);
  return running;
}
