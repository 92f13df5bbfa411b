import { createHash } from 'node:crypto';

/**
 * Checksums of stored activations. SHA-256 because node's is native and fast here (about
 * 1.4 GB/s, the cost of reading the data once more), not for security: a prefix is enough
 * to catch a damaged block.
 */
export function digest(bytes: Uint8Array, length = 16): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 2 * length);
}

/**
 * What a sentence's activations were made from: its words, in order. Stored per sentence, so
 * activations given with a text can be checked to be that text's (same counts are not enough:
 * every line reversed has them too).
 */
export function sentenceFingerprint(words: readonly string[]): string {
  return digest(Buffer.from(words.join('\u0000'), 'utf8'), 8);
}
