import type { Tokenizer } from '@huggingface/tokenizers';
import { GrainError, type Location } from '../errors';
import type { LoadedTokenizer, TokenizerModelType } from './load';
import { resolveSpecialTokens, type SpecialTokens } from './special-tokens';
import { quote, WordEncoder, type WordPieces } from './word-encoder';

/** One sentence as model input, with the word each position came from. */
export interface EncodedSentence {
  /** Model input ids, special tokens included. */
  ids: Int32Array;
  tokens: string[];
  /** Index of the word each position came from; -1 at special tokens. */
  wordIndex: Int32Array;
  /** 1 where the position is a special token added by the template (or the appended eos). */
  special: Uint8Array;
  /** Whether trailing words were dropped to fit `maxLength`. */
  truncated: boolean;
  /** How many trailing words were dropped (whole words, never part of one). */
  droppedWords: number;
  /**
   * Words (indices, ascending) that gave no tokens at all, e.g. only a character the normalizer
   * removes: they hold no position, and the model reads the sentence without them. In a window,
   * the ones it owns.
   */
  emptyWords: number[];
}

/**
 * One model run's worth of a sentence: a window of its words with the special tokens around
 * them. `owned` marks the positions whose rows this window gives (its own words; the overlap
 * before them is context only; the sentence's leading and trailing special tokens in the first
 * and last window).
 */
export interface EncodedWindow extends EncodedSentence {
  owned: Uint8Array;
}

export interface WindowOptions {
  /** Positions per window, special tokens included. */
  size: number;
  /** Tokens of left context repeated at the start of each later window (whole words). */
  overlap: number;
  where?: Location;
}

export interface EncodeWordsOptions {
  /** Limit on positions, special tokens included; defaults to the tokenizer's `maxLength`. */
  maxLength?: number;
  /** Append the eos token after the template's tokens (for LM evaluation), unless the template already ends with it. */
  appendEos?: boolean;
  /** The sentence's file and line, named in errors. */
  where?: Location;
}

export class ModelTokenizer {
  readonly modelType: TokenizerModelType;
  /** Number of rows an embedding table needs: highest id + 1. */
  readonly vocabSize: number;
  /** Position limit from tokenizer_config.json `model_max_length`; Infinity when none. */
  readonly maxLength: number;
  readonly padId: number | undefined;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  readonly unkId: number | undefined;
  readonly maskId: number | undefined;
  readonly specialIds: ReadonlySet<number>;
  /** How words after the first are encoded alone (see WordEncoder). */
  readonly continuation: WordEncoder['continuation'];
  readonly tokenizerFile: string;

  private readonly lib: Tokenizer;
  private readonly specials: SpecialTokens;
  private readonly words: WordEncoder;

  constructor(loaded: LoadedTokenizer) {
    this.lib = loaded.lib;
    this.modelType = loaded.modelType;
    this.tokenizerFile = loaded.tokenizerFile;
    this.specials = resolveSpecialTokens(loaded);
    const ids = this.specials.ids;
    this.padId = ids.pad;
    this.bosId = ids.bos;
    this.eosId = ids.eos;
    this.unkId = ids.unk;
    this.maskId = ids.mask;
    this.specialIds = this.specials.all;
    this.maxLength = loaded.modelMaxLength ?? Infinity;
    this.vocabSize = highestId(this.lib) + 1;
    this.words = new WordEncoder(this.lib, this.tokenizerFile);
    this.continuation = this.words.continuation;
  }

  /**
   * Encodes one sentence given as words (NeuroX: the line split on spaces). Words are encoded
   * one by one, so every position knows its word; when the sentence is too long, trailing
   * words are dropped whole and the special tokens kept.
   */
  encodeWords(words: readonly string[], opts: EncodeWordsOptions = {}): EncodedSentence {
    const where = opts.where ?? {};
    if (words.length === 0) throw new GrainError('empty sentence: there are no words to encode', where);
    const limit = this.limitFrom(opts.maxLength, where);
    const { prefix, suffix, prefixTokens, suffixTokens } = this.specials;
    const eos = opts.appendEos ? this.eosToAppend() : undefined;
    const fixed = prefix.length + suffix.length + (eos === undefined ? 0 : 1);

    const pieces: WordPieces[] = [];
    let length = fixed;
    for (let w = 0; w < words.length; w++) {
      const p = this.words.encode(words[w], w, where);
      if (length + p.ids.length > limit) break;
      pieces.push(p);
      length += p.ids.length;
    }
    if (pieces.length === 0) {
      const first = this.words.encode(words[0], 0, where);
      throw new GrainError(
        `the first word ${JSON.stringify(words[0])} needs ${first.ids.length} tokens, which with ${fixed} special tokens ` +
          `exceeds the limit of ${limit} positions`,
        where,
      );
    }

    const ids = new Int32Array(length);
    const wordIndex = new Int32Array(length).fill(-1);
    const special = new Uint8Array(length);
    const tokens: string[] = new Array(length);
    let at = 0;
    const putSpecial = (id: number, token: string) => {
      ids[at] = id;
      special[at] = 1;
      tokens[at++] = token;
    };
    prefix.forEach((id, i) => putSpecial(id, prefixTokens[i]));
    pieces.forEach((p, w) => {
      ids.set(p.ids, at);
      wordIndex.fill(w, at, at + p.ids.length);
      for (const t of p.tokens) tokens[at++] = t;
    });
    suffix.forEach((id, i) => putSpecial(id, suffixTokens[i]));
    if (eos !== undefined) putSpecial(eos, this.lib.id_to_token(eos) ?? '');
    if (length === 0) throw noTokens(words, where);
    const droppedWords = words.length - pieces.length;
    const emptyWords = pieces.flatMap((p, w) => (p.ids.length === 0 ? [w] : []));
    return { ids, tokens, wordIndex, special, truncated: droppedWords > 0, droppedWords, emptyWords };
  }

  /**
   * Encodes a sentence as windows of at most `size` positions: one window when it fits; else
   * consecutive windows, each starting `overlap` tokens (whole words) before its first own word,
   * so that every word gets a row and no run is longer than `size`. Word indices are the
   * sentence's, so the windows' owned rows in order are the sentence's rows.
   */
  encodeWindows(words: readonly string[], opts: WindowOptions): EncodedWindow[] {
    const where = opts.where ?? {};
    if (words.length === 0) throw new GrainError('empty sentence: there are no words to encode', where);
    const { prefix, suffix, prefixTokens, suffixTokens } = this.specials;
    const room = opts.size - prefix.length - suffix.length;
    const pieces = words.map((w, i) => this.words.encode(w, i, where));
    const tooLong = pieces.findIndex((p) => p.ids.length > room);
    if (tooLong >= 0) {
      throw new GrainError(
        `word ${tooLong + 1} ${JSON.stringify(words[tooLong])} needs ${pieces[tooLong].ids.length} tokens, which with ` +
          `${prefix.length + suffix.length} special tokens exceeds the window of ${opts.size} positions`,
        where,
      );
    }
    if (prefix.length + suffix.length === 0 && pieces.every((p) => p.ids.length === 0)) throw noTokens(words, where);
    const windows: EncodedWindow[] = [];
    let own = 0;
    while (own < words.length) {
      // Context: whole words before `own` within `overlap` tokens (none for the first window).
      let start = own;
      let context = 0;
      while (start > 0 && context + pieces[start - 1].ids.length <= Math.min(opts.overlap, room - pieces[own].ids.length)) context += pieces[--start].ids.length;
      let end = own;
      let used = context;
      while (end < words.length && used + pieces[end].ids.length <= room) used += pieces[end++].ids.length;
      const first = own === 0;
      const last = end === words.length;
      const length = prefix.length + used + suffix.length;
      const w: EncodedWindow = {
        ids: new Int32Array(length),
        tokens: new Array(length),
        wordIndex: new Int32Array(length).fill(-1),
        special: new Uint8Array(length),
        owned: new Uint8Array(length),
        truncated: false,
        droppedWords: 0,
        emptyWords: [],
      };
      for (let k = own; k < end; k++) if (pieces[k].ids.length === 0) w.emptyWords.push(k);
      let at = 0;
      const put = (id: number, token: string, word: number, isOwned: boolean) => {
        w.ids[at] = id;
        w.tokens[at] = token;
        w.wordIndex[at] = word;
        w.special[at] = word < 0 ? 1 : 0;
        w.owned[at++] = isOwned ? 1 : 0;
      };
      prefix.forEach((id, i) => put(id, prefixTokens[i], -1, first));
      for (let k = start; k < end; k++) pieces[k].ids.forEach((id, i) => put(id, pieces[k].tokens[i], k, k >= own));
      suffix.forEach((id, i) => put(id, suffixTokens[i], -1, last));
      windows.push(w);
      own = end;
    }
    return windows;
  }

  /**
   * The library's own encoding of a whole text, special tokens included, without word
   * alignment: the reference encodeWords is checked against.
   */
  encodeText(text: string): Int32Array {
    const ids = this.lib.encode(text).ids;
    return Int32Array.from(ids, (id) => id ?? -1);
  }

  /** The pad id, for callers that are about to pad; an error when the tokenizer has none. */
  requirePadId(): number {
    if (this.padId === undefined) {
      throw new GrainError(
        'sentences of different lengths must be padded, but the tokenizer has no pad token (set pad_token in tokenizer_config.json)',
        { file: this.tokenizerFile },
      );
    }
    return this.padId;
  }

  idToToken(id: number): string | undefined {
    return this.lib.id_to_token(id);
  }


  private limitFrom(maxLength: number | undefined, where: Location): number {
    if (maxLength === undefined) return this.maxLength;
    if (!(maxLength === Infinity || (Number.isInteger(maxLength) && maxLength > 0))) {
      throw new GrainError(`maximum length must be a positive whole number, not ${maxLength}`, where);
    }
    return maxLength;
  }

  private eosToAppend(): number | undefined {
    if (this.eosId === undefined) {
      throw new GrainError('an end token was asked for, but tokenizer_config.json names no eos_token', {
        file: this.tokenizerFile,
      });
    }
    const { suffix } = this.specials;
    return suffix.length > 0 && suffix[suffix.length - 1] === this.eosId ? undefined : this.eosId;
  }
}

function noTokens(words: readonly string[], where: Location): GrainError {
  return new GrainError(
    `no word of this sentence gives a token (${words.map(quote).join(' ')}: the tokenizer's normalizer removes them all) ` +
      'and the tokenizer adds no special token, so the model has nothing to read',
    where,
  );
}

function highestId(lib: Tokenizer): number {
  let max = -1;
  for (const id of lib.get_vocab(true).values()) if (id > max) max = id;
  return max;
}
