import { open } from 'node:fs/promises';
import { fileReadError } from '../io/read-file';

/** One raw line of a file: its bytes without the newline (and without a CR before it). */
export interface RawLine {
  bytes: Uint8Array;
  /** 1-based line number. */
  line: number;
  /** File offset of the line's first byte. */
  byteOffset: number;
}

const READ_SIZE = 1 << 20;

/**
 * Streams the lines of a file as bytes, holding only the current read buffer and one
 * partial line. Splitting on the 0x0A byte is safe before decoding: in UTF-8 that byte never
 * occurs inside a multi-byte character. A final line without a newline is still a line; a
 * final newline does not start an empty one.
 */
export async function* readRawLines(path: string, signal?: AbortSignal): AsyncGenerator<RawLine> {
  const handle = await openForReading(path);
  try {
    const buffer = new Uint8Array(READ_SIZE);
    // A line longer than one read is kept in pieces and joined once, to avoid quadratic copying.
    let carry: Uint8Array[] = [];
    let carryOffset = 0;
    let fileOffset = 0;
    let line = 1;
    for (;;) {
      if (signal?.aborted) return;
      const { bytesRead } = await handle.read(buffer, 0, READ_SIZE, fileOffset);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, nl);
        const offset = carry.length > 0 ? carryOffset : fileOffset + start;
        const bytes = carry.length > 0 ? join([...carry, piece]) : piece.slice();
        carry = [];
        yield { bytes: stripCr(bytes), line, byteOffset: offset };
        line++;
        start = nl + 1;
      }
      if (start < bytesRead) {
        if (carry.length === 0) carryOffset = fileOffset + start;
        carry.push(chunk.slice(start));
      }
      fileOffset += bytesRead;
    }
    if (carry.length > 0) yield { bytes: stripCr(join(carry)), line, byteOffset: carryOffset };
  } finally {
    await handle.close();
  }
}

export async function openForReading(path: string) {
  try {
    return await open(path, 'r');
  } catch (e) {
    throw fileReadError(path, e);
  }
}


function stripCr(bytes: Uint8Array): Uint8Array {
  return bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, bytes.length - 1) : bytes;
}

function join(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
