import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

/**
 * Checksums of a store's header and index (and, in format version 2, of its data blocks):
 * a SHA-256 prefix. Not for security: they catch damage.
 */
export function digest(bytes: Uint8Array, length = 16): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 2 * length);
}

/**
 * The checksum of a data block from format version 3 on: CRC-32 (8 hex digits), as zip and
 * PNG use for damage. zlib's runs at ~3.7 GB/s here against SHA-256's 1.2, and the data is
 * nearly all of a store: a third of extraction's own cost on brown-gpt was hashing it.
 */
export function blockChecksum(bytes: Uint8Array): string {
  return crc32(bytes).toString(16).padStart(8, '0');
}

// zlib.crc32 came with Node 20.15 and 22.2; older hosts get the table-driven loop.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

function crc32(bytes: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(bytes) >>> 0 : jsCrc32(bytes);
}

let table: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, zlib's) in plain JS. */
export function jsCrc32(bytes: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * What a sentence's activations were made from: its words, in order. Stored per sentence, so
 * activations given with a text can be checked to be that text's (same counts are not enough:
 * every line reversed has them too).
 */
export function sentenceFingerprint(words: readonly string[]): string {
  return digest(Buffer.from(words.join('\u0000'), 'utf8'), 8);
}
