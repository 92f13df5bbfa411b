import type { Tokenizer } from '@huggingface/tokenizers';
import { GrainError, type Location } from '../errors';
import { containsSpace } from '../text/words';

/** The subword pieces of one word. */
export interface WordPieces {
  ids: Int32Array;
  tokens: string[];
}

/**
 * How a word after the first is written when encoded alone so that it gives the same pieces as
 * inside the sentence: `space` puts back the space that separated it (byte-level BPE turns it into
 * `Ġ`, Metaspace into `▁`, whitespace splitters drop it); `bare` is for tokenizers whose normalizer
 * already prepends the word marker to any text (LLaMA-2 style `Prepend("▁")`), where a space would
 * make a second marker.
 */
export type Continuation = 'space' | 'bare';

// Sentences the continuation is chosen on: capitals, punctuation, digits, an apostrophe.
const PROBES: readonly string[][] = [
  ['The', 'grain', 'of', 'sand', ',', 'in', '1961', '.'],
  ['desert\'s', 'Ierulli', 'said', ':', '"', 'no', '"', '?'],
];

const CACHE_LIMIT = 200_000;

export class WordEncoder {
  readonly continuation: Continuation;
  private readonly firstWords = new Map<string, WordPieces>();
  private readonly laterWords = new Map<string, WordPieces>();

  constructor(
    private readonly lib: Tokenizer,
    tokenizerFile: string,
  ) {
    this.continuation = chooseContinuation(lib, tokenizerFile);
  }

  /**
   * The pieces of word number `index` (0-based) of a sentence. A word that yields no pieces
   * (e.g. only a zero-width or control character the normalizer removes) has none: the model
   * reads the sentence as the tokenizer made it, as NeuroX does, and the word's row is left to
   * the caller (NeuroX gives it zeros).
   */
  encode(word: string, index: number, where: Location): WordPieces {
    const cache = index === 0 ? this.firstWords : this.laterWords;
    const hit = cache.get(word);
    if (hit) return hit;
    const pieces = this.encodeUncached(word, index, where);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(word, pieces);
    return pieces;
  }

  private encodeUncached(word: string, index: number, where: Location): WordPieces {
    if (containsSpace(word)) {
      throw new GrainError(`word ${index + 1} ${quote(word)} contains a space, tab, line break or other whitespace`, where);
    }
    const enc = this.lib.encode(index === 0 || this.continuation === 'bare' ? word : ' ' + word, { add_special_tokens: false });
    const ids = new Int32Array(enc.ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = enc.ids[i] as number | undefined;
      if (id === undefined) {
        throw new GrainError(
          `word ${index + 1} ${quote(word)} has a piece ${JSON.stringify(enc.tokens[i])} that is not in the vocabulary, ` +
            'and the tokenizer has no unknown token',
          where,
        );
      }
      ids[i] = id;
    }
    // The library reports pre-model strings for word-level vocabularies (`Ierulli` for <unk>);
    // the vocabulary's own tokens match the ids.
    return { ids, tokens: Array.from(ids, (id, i) => this.lib.id_to_token(id) ?? enc.tokens[i]) };
  }
}

/** A word in a message, with invisible characters (zero-width, no-break spaces, controls) spelled out. */
export function quote(word: string): string {
  return JSON.stringify(word).replace(/[\p{Z}\p{C}]/gu, (c) =>
    c === ' ' ? c : `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`,
  );
}

function chooseContinuation(lib: Tokenizer, file: string): Continuation {
  const pieces = (text: string) => lib.encode(text, { add_special_tokens: false }).tokens;
  const reproduces = (c: Continuation) =>
    PROBES.every((words) => {
      const whole = pieces(words.join(' '));
      const joined = words.flatMap((w, i) => pieces(i === 0 || c === 'bare' ? w : ' ' + w));
      return whole.length === joined.length && whole.every((t, i) => t === joined[i]);
    });
  if (reproduces('space')) return 'space';
  if (reproduces('bare')) return 'bare';
  throw new GrainError(
    'cannot align tokens to words with this tokenizer: encoding a sentence word by word does not give ' +
      'the tokens of the whole sentence (its pieces may cross word boundaries)',
    { file },
  );
}
