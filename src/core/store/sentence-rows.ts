/**
 * Sentence representations for sentence-level probes (NeuroX's sentence classification, where
 * each sentence has one activation row): the sentence's first word, its last word, or the mean
 * of its words, from word-level activations read chunk by chunk. The result is one row per
 * sentence, each its own one-row sentence, with the sentence's text as its token (the top-words
 * table then lists sentences).
 */
import type { ActivationMatrix } from '../activations';
import { GrainError, throwIfAborted } from '../errors';
import type { ActivationSource } from './index';

export type SentencePooling = 'first' | 'last' | 'average';

export function sentenceRows(source: ActivationSource, pooling: SentencePooling, signal?: AbortSignal): ActivationMatrix {
  const n = source.neurons;
  const offsets = source.sentenceOffsets;
  const sentences = offsets.length - 1;
  const data = new Float32Array(sentences * n);
  const sum = new Float64Array(n);
  const tokens: string[] = new Array(sentences);
  for (let s = 0; s < sentences; s++) {
    if (offsets[s + 1] <= offsets[s]) throw new GrainError(`sentence ${s + 1} has no activation rows, so it has no ${pooling} word`);
    tokens[s] = source.tokens.slice(offsets[s], offsets[s + 1]).join(' ');
  }
  let s = 0;
  for (const chunk of source.chunks(4096)) {
    throwIfAborted(signal);
    for (let i = 0; i < chunk.rows; i++) {
      const r = chunk.start + i;
      while (r >= offsets[s + 1]) s++;
      const row = chunk.data.subarray(i * n, (i + 1) * n);
      const first = r === offsets[s];
      const last = r === offsets[s + 1] - 1;
      if (pooling === 'first' && first) data.set(row, s * n);
      else if (pooling === 'last' && last) data.set(row, s * n);
      else if (pooling === 'average') {
        if (first) sum.fill(0);
        for (let j = 0; j < n; j++) sum[j] += row[j];
        if (last) {
          const k = offsets[s + 1] - offsets[s];
          for (let j = 0; j < n; j++) data[s * n + j] = sum[j] / k;
        }
      }
    }
  }
  return { sites: source.sites, neurons: n, tokens, sentenceOffsets: Uint32Array.from({ length: sentences + 1 }, (_, i) => i), data };
}
