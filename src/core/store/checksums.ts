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
  return crc32Hex(crc32(bytes));
}

// zlib.crc32 came with Node 20.15 and 22.2; older hosts get the table-driven loop.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export function crc32(bytes: Uint8Array): number {
  return nativeCrc32 ? nativeCrc32(bytes) >>> 0 : jsCrc32(bytes);
}

/** CRC-32 as 8 hex digits, the way store indexes hold it. */
export function crc32Hex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}

/** The reflected CRC-32 polynomial (zlib's, IEEE 802.3). */
const POLY = 0xedb88320;

/** a(x) * b(x) modulo the CRC polynomial, both in CRC-32's reflected bit order (a != 0). */
function multModP(a: number, b: number): number {
  let product = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

let powers: Uint32Array | undefined;

/** x^(n * 2^k) modulo the polynomial, from the table of x^(2^j). */
function xPowModP(n: number, k: number): number {
  if (!powers) {
    powers = new Uint32Array(32);
    powers[0] = 0x40000000; // x^1
    for (let j = 1; j < 32; j++) powers[j] = multModP(powers[j - 1], powers[j - 1]);
  }
  let p = 0x80000000; // x^0
  for (; n > 0; n = Math.floor(n / 2), k++) if (n % 2) p = multModP(powers[k & 31], p);
  return p;
}

/**
 * The CRC-32 of A followed by B, from A's and B's and B's length in bytes (zlib's
 * crc32_combine): rows written out of order are checksummed as they come and their CRCs
 * joined into the blocks' in file order.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multModP(xPowModP(lengthB, 3), crcA >>> 0) ^ crcB) >>> 0;
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
