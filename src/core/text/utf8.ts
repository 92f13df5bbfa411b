import { GrainError } from '../errors';

/** Where a byte buffer sits in its file, so errors can point into the file rather than the buffer. */
export interface BytePosition {
  /** 1-based line of the buffer's first byte. */
  line: number;
  /** File offset of the buffer's first byte. */
  byteOffset: number;
  /** 0-based column (in bytes) of the buffer's first byte within its line. */
  column: number;
}

const START: BytePosition = { line: 1, byteOffset: 0, column: 0 };

// `fatal` makes bad bytes throw instead of silently becoming U+FFFD. `ignoreBOM` keeps a
// leading U+FEFF: only the start of a file may drop it (see stripBom), not every decoded line.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8, refusing malformed input. The error names the file, the line and the byte
 * of the first bad byte, since TextDecoder itself says only that something was wrong.
 */
export function decodeUtf8Strict(bytes: Uint8Array, file: string, at: BytePosition = START): string {
  if (at.byteOffset === 0 && bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new GrainError('is UTF-16 (it starts with a UTF-16 byte-order mark), not UTF-8: save the file as UTF-8', { file, line: 1 });
  }
  let text: string;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8Byte(bytes);
    throw invalidUtf8Error(bytes, bad < 0 ? bytes.length : bad, file, at);
  }
  // NUL is valid UTF-8 but no text file holds one: a binary file, or UTF-16 without its mark.
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new GrainError(`a NUL byte at ${describePosition(bytes, nul, at)}: a binary file (or UTF-16), not UTF-8 text`, { file, line: lineOf(bytes, nul, at) });
  return text;
}

function lineOf(bytes: Uint8Array, offset: number, at: BytePosition): number {
  let line = at.line;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function describePosition(bytes: Uint8Array, offset: number, at: BytePosition): string {
  const lineStart = offset > 0 ? bytes.lastIndexOf(0x0a, offset - 1) : -1;
  const column = lineStart < 0 ? at.column + offset : offset - lineStart - 1;
  return `line ${lineOf(bytes, offset, at)}, byte ${column + 1} (file offset ${at.byteOffset + offset})`;
}

function invalidUtf8Error(bytes: Uint8Array, bad: number, file: string, at: BytePosition): GrainError {
  const value = bad < bytes.length ? `0x${bytes[bad].toString(16).padStart(2, '0')}` : 'end of data';
  return new GrainError(`invalid UTF-8 (${value}) at ${describePosition(bytes, bad, at)}; save the file as UTF-8`, { file, line: lineOf(bytes, bad, at) });
}

/**
 * Index of the first byte that makes `bytes` invalid UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included), or -1 if it is valid. A sequence cut off by the end
 * of the data is reported at its first byte.
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return i;
      const c = bytes[i + k];
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i + k;
    }
    i += need + 1;
  }
  return -1;
}

/** The bytes without a leading UTF-8 byte-order mark. */
export function stripBom(bytes: Uint8Array): Uint8Array {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** A whole file's text: strict UTF-8 without the byte-order mark a file may start with. */
export function decodeFileText(bytes: Uint8Array, file: string): string {
  const body = stripBom(bytes);
  const skipped = bytes.length - body.length;
  return decodeUtf8Strict(body, file, { line: 1, byteOffset: skipped, column: skipped });
}
