import { GrainError } from '../errors';
import type { AblationSession, BatchFeeds, Objective } from './session';
import { seededRng } from '../random';

export interface PreparedBatch {
  feeds: BatchFeeds;
  /**
   * [size x seq]: the token id to score at each position, -1 where nothing is scored. For the
   * representation objective: the id at every real position (all are compared), -1 on padding.
   */
  targets: Int32Array;
  /** Index (in the input) of the sentence in each batch row. */
  sentences: Int32Array;
}

/** Positions chosen for masked-LM scoring, to be saved with the result. */
export interface MaskedPositions {
  seed: number;
  fraction: number;
  /** Parallel arrays: the sentence (index in the input) and position (in its encoded ids) of each masked token. */
  sentence: Int32Array;
  position: Int32Array;
}

/** Text encoded, batched and padded once; every ablation run reuses it. */
export interface PreparedText {
  objective: Objective;
  sentences: number;
  /** Number of scored tokens (the denominator of the mean NLL), or of compared positions (representation). */
  tokens: number;
  batches: PreparedBatch[];
  masked?: MaskedPositions;
}

export interface PrepareOptions {
  /** Use only the first n sentences. */
  maxSentences?: number;
  /** Padded positions per batch (default 2048); logits take batch x seq x vocab floats. */
  batchTokens?: number;
  maxBatch?: number;
  /** Masked LM: seed and fraction of non-special positions to mask (default 1234, 0.15). */
  seed?: number;
  maskFraction?: number;
  /** Named in errors: the sentence file and each sentence's line. */
  file?: string;
  lines?: number[];
}

/**
 * Chooses round(fraction x n) of a sentence's n non-special positions (at least one), from a
 * generator seeded by (seed, sentence index): a sentence's choice does not depend on which
 * other sentences are evaluated, so a subset run scores the same positions as the full run.
 */
export function chooseMaskedPositions(special: Uint8Array, seed: number, sentence: number, fraction: number): Int32Array {
  const candidates: number[] = [];
  for (let p = 0; p < special.length; p++) if (!special[p]) candidates.push(p);
  if (candidates.length === 0) return new Int32Array(0);
  const k = Math.max(1, Math.round(fraction * candidates.length));
  const rand = seededRng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(sentence + 1, 0x85ebca6b)) >>> 0);
  // Partial Fisher-Yates: the first k slots end up a uniform sample without repeats.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (candidates.length - i));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  return Int32Array.from(candidates.slice(0, k)).sort();
}

interface Encoded {
  ids: Int32Array;
  targets: Int32Array;
  index: number;
}

/**
 * Encodes sentences as the model cards define their evaluation. Causal: the training format
 * (e.g. `<s> w1 .. wn </s>`), the end token appended and the start token prepended when the
 * template lacks them; every position after the first is a target, the end token included. Masked: the template's
 * `[CLS] .. [SEP]`, a seeded 15% of word positions replaced by the mask token and scored.
 * Representation: the template's encoding unchanged, every position compared.
 */
export function prepareText(session: AblationSession, sentences: string[][], opts: PrepareOptions = {}): PreparedText {
  const tok = session.tokenizer;
  const count = Math.min(sentences.length, opts.maxSentences ?? Infinity);
  if (count < 1) throw new GrainError('there are no sentences to evaluate', { file: opts.file });
  const seed = opts.seed ?? 1234;
  const fraction = opts.maskFraction ?? 0.15;
  if (!(fraction > 0 && fraction <= 1)) throw new GrainError(`mask fraction must be in (0, 1], got ${fraction}`);
  const encoded: Encoded[] = [];
  const maskedSentence: number[] = [];
  const maskedPosition: number[] = [];
  let tokens = 0;
  for (let i = 0; i < count; i++) {
    const where = { file: opts.file, line: opts.lines?.[i] };
    if (session.objective === 'representation') {
      // The plain encoding, special tokens included: every position the model computes is real.
      const ids = tok.encodeWords(sentences[i], { where }).ids;
      tokens += ids.length;
      encoded.push({ ids, targets: Int32Array.from(ids), index: i });
    } else if (session.objective === 'causal') {
      const e = tok.encodeWords(sentences[i], { appendEos: true, where });
      let ids = e.ids;
      if (tok.bosId !== undefined && !e.special[0]) ids = Int32Array.from([tok.bosId, ...ids]);
      const targets = new Int32Array(ids.length).fill(-1);
      for (let p = 0; p + 1 < ids.length; p++) targets[p] = ids[p + 1];
      tokens += ids.length - 1;
      encoded.push({ ids, targets, index: i });
    } else {
      const e = tok.encodeWords(sentences[i], { where });
      const chosen = chooseMaskedPositions(e.special, seed, i, fraction);
      const ids = Int32Array.from(e.ids);
      const targets = new Int32Array(ids.length).fill(-1);
      for (const p of chosen) {
        targets[p] = ids[p];
        ids[p] = tok.maskId!;
        maskedSentence.push(i);
        maskedPosition.push(p);
      }
      tokens += chosen.length;
      encoded.push({ ids, targets, index: i });
    }
  }
  const budget = opts.batchTokens ?? 2048;
  const maxBatch = opts.maxBatch ?? 128;
  // Longest first: similar lengths share a batch, so little of each run is padding.
  encoded.sort((a, b) => b.ids.length - a.ids.length || a.index - b.index);
  const batches: PreparedBatch[] = [];
  for (let at = 0; at < encoded.length; ) {
    const seq = encoded[at].ids.length;
    const size = Math.max(1, Math.min(maxBatch, Math.floor(budget / seq), encoded.length - at));
    const rows = encoded.slice(at, at + size);
    const feeds = session.feeds(rows.map((r) => r.ids));
    const targets = new Int32Array(size * feeds.seq).fill(-1);
    rows.forEach((r, b) => targets.set(r.targets, b * feeds.seq));
    batches.push({ feeds, targets, sentences: Int32Array.from(rows, (r) => r.index) });
    at += size;
  }
  return {
    objective: session.objective,
    sentences: count,
    tokens,
    batches,
    masked:
      session.objective === 'masked'
        ? { seed, fraction, sentence: Int32Array.from(maskedSentence), position: Int32Array.from(maskedPosition) }
        : undefined,
  };
}
