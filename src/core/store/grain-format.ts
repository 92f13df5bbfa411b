import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import type { ActivationMatrix, SiteInfo } from '../activations';
import { totalNeurons } from '../neurons';
import { fileReadError } from '../io/read-file';
import { GrainError } from '../errors';
import { siblingTemp, type Temporary } from '../io/temp';
import { EarlyFlush } from '../io/early-flush';
import { writeAll } from '../io/write-all';
import { blockChecksum, crc32, crc32Combine, crc32Hex, digest, sentenceFingerprint } from './checksums';
import { decodeFloat16, encodeFloat16 } from './float16';
import { checkSites } from './sites';

/**
 * Grain's activation store: rows streamed to disk, read back in chunks, so a corpus larger
 * than memory works. Little-endian throughout:
 *
 *   0  "GRAINACT"                    8  u32 version      12 u32 dtype (1 float32, 2 float16)
 *   16 u32 neurons                   20 u32 byte length of the sites JSON
 *   24 u64 rows     32 u64 sentences 40 u64 data offset  48 u64 index offset  56 u64 index length
 *   version 2 and 3: 64 SHA-256 of the index, 96 SHA-256 of bytes 0-63 and the sites JSON
 *   then the sites JSON (UTF-8), zero-padded so the data starts 64-byte aligned
 *   data: rows x neurons values, row-major
 *   index: u32 sentence offsets (sentences + 1), then UTF-8 JSON {"tokens": [...], "meta": {...},
 *          from version 2: "blockBytes", "blocks" (a checksum per block of the data: a SHA-256
 *          prefix in version 2, CRC-32 from version 3),
 *          "sentences" (a fingerprint of each sentence's words, see checksums.ts)}
 *   "GRAINEND"
 *
 * Counts and offsets are only known at the end, so close() patches them into the header;
 * the file only appears under its name (rename) once complete. A reader checks the header,
 * sites and index at once and each data block the first time it reads from it, so a flipped
 * byte is reported, never read as an activation. Version 1 files (no checksums) are still read.
 */
export const GRAIN_MAGIC = 'GRAINACT';
const END_MAGIC = 'GRAINEND';
export const GRAIN_FORMAT_VERSION = 3;
const COUNTS_SIZE = 64;
const HEADER_SIZE: Record<number, number> = { 1: 64, 2: 128, 3: 128 };
const ALIGN = 64;
/** Read size when the token list is copied from its side file into the index. */
const TOKEN_CHUNK_BYTES = 4 << 20;
/** Characters of token JSON held before they go to the side file. */
const TOKEN_TEXT = 1 << 20;
/** Checksummed unit of the data: small, so a chunked read verifies little beyond what it reads. */
const BLOCK_BYTES = 1 << 20;
const MAX_ROWS = 0xffffffff;

export type StoreDtype = 'float32' | 'float16';
const DTYPE_CODES: Record<StoreDtype, number> = { float32: 1, float16: 2 };
const BYTES: Record<StoreDtype, number> = { float32: 4, float16: 2 };

// The raw float bytes are written and read as the machine holds them.
if (endianness() !== 'LE') throw new Error('Grain activation store needs a little-endian machine');

export interface GrainStoreOptions {
  sites: SiteInfo[];
  dtype: StoreDtype;
  meta?: Record<string, unknown>;
}

interface StoreIndex {
  tokens: string[];
  meta: Record<string, unknown>;
  blockBytes: number;
  blocks: string[];
  /** Per sentence: the fingerprint of the words it was extracted from ('' when not given). */
  sentences: string[];
}

/** CRCs of the pieces of one data block written so far, joined in file order once it is whole. */
interface PendingBlock {
  covered: number;
  pieces: { at: number; length: number; crc: number }[];
}

/**
 * Writes a Grain store. Rows are reserved in order (their tokens and sentence ends) and their
 * values placed in any order (placeRows), each written straight to its place in the file: the
 * extractor runs sentences sorted by length and hands each one over as soon as it is done, with
 * no copy of the corpus slice in between. appendRows does both for rows that come in order.
 */
export class GrainStoreWriter {
  private readonly neurons: number;
  private readonly bytesPerValue: number;
  private readonly dataOffset: number;
  /** Bytes of data placed so far (must reach the reserved rows' at close). */
  private placed = 0;
  private readonly pending = new Map<number, PendingBlock>();
  private float16: Uint16Array = new Uint16Array(0);
  /**
   * The token list is the index's biggest part and grows with the corpus: it goes to a side
   * file as JSON text as rows arrive (TOKEN_TEXT characters at a time) and is copied into the
   * index at close, so memory does not grow with the corpus.
   */
  private tokenCount = 0;
  private tokenText: string[] = [];
  private tokenChars = 0;
  private tokenFd: number | undefined;
  private readonly tokenTemp: Temporary;
  private offsets = new Uint32Array(1024);
  private sentenceCount = 0;
  private readonly blocks: string[] = [];
  /** Per sentence: its words' fingerprint (16 hex digits) or '' (none given). */
  private fingerprints: string[] = [];
  private fd: number | undefined;
  private readonly early: EarlyFlush;

  private constructor(
    readonly path: string,
    private readonly temp: Temporary,
    fd: number,
    private readonly options: GrainStoreOptions,
  ) {
    this.fd = fd;
    this.tokenTemp = siblingTemp(path);
    this.early = new EarlyFlush(temp.path);
    this.neurons = totalNeurons(options.sites);
    this.bytesPerValue = BYTES[options.dtype];
    // The header is written in full at close(); reserve its place and the sites'.
    this.dataOffset = dataOffsetOf(options.sites);
  }

  static create(path: string, options: GrainStoreOptions): GrainStoreWriter {
    checkSites(options.sites, path);
    if (!(options.dtype in DTYPE_CODES)) throw new GrainError(`unknown dtype "${options.dtype}" (float32 or float16)`, { file: path });
    const temp = siblingTemp(path);
    let fd: number;
    try {
      fd = openSync(temp.path, 'wx');
    } catch (e) {
      temp.dispose();
      throw new GrainError(`cannot write: ${(e as Error).message}`, { file: path });
    }
    return new GrainStoreWriter(path, temp, fd, options);
  }

  get rows(): number {
    return this.tokenCount;
  }

  /** Rows of the current sentence, in order (a long sentence may come in several calls). */
  appendRows(tokens: string[], rows: Float32Array): void {
    if (rows.length !== tokens.length * this.neurons) {
      throw new Error(`appendRows: ${rows.length} values for ${tokens.length} tokens x ${this.neurons} neurons`);
    }
    this.placeRows(this.reserveRows(tokens), rows);
  }

  /**
   * Appends rows of the current sentence whose values come later, through placeRows (in any
   * order, before close); returns the first one's index.
   */
  reserveRows(tokens: string[]): number {
    this.openFd();
    if (this.tokenCount + tokens.length > MAX_ROWS) {
      throw new GrainError(`too many rows for one store (at most ${MAX_ROWS})`, { file: this.path });
    }
    const first = this.tokenCount;
    for (const t of tokens) {
      const text = (this.tokenCount++ > 0 ? ',' : '') + JSON.stringify(t);
      this.tokenText.push(text);
      this.tokenChars += text.length;
    }
    if (this.tokenChars >= TOKEN_TEXT) this.flushTokens();
    return first;
  }

  /** The values of reserved rows from `row` on (rows x neurons, row-major), written in place. */
  placeRows(row: number, rows: Float32Array): void {
    const fd = this.openFd();
    const count = rows.length / this.neurons;
    if (!Number.isInteger(count) || row < 0 || row + count > this.tokenCount) {
      throw new Error(`placeRows: ${rows.length} values at row ${row} of ${this.tokenCount} reserved rows x ${this.neurons} neurons`);
    }
    let bytes: Uint8Array;
    if (this.bytesPerValue === 4) bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
    else {
      if (this.float16.length < rows.length) this.float16 = new Uint16Array(rows.length);
      const half = this.float16.subarray(0, rows.length);
      const over = encodeFloat16(rows, half);
      if (over >= 0) {
        throw new GrainError(`activation ${rows[over]} (row ${row + Math.floor(over / this.neurons)}) is beyond float16's range (65504); write float32`, { file: this.path });
      }
      bytes = new Uint8Array(half.buffer, 0, half.byteLength);
    }
    const at = row * this.neurons * this.bytesPerValue;
    // Checksummed while the values are still in cache, piece by piece of each block they touch.
    for (let from = 0; from < bytes.length; ) {
      const block = Math.floor((at + from) / BLOCK_BYTES);
      const to = Math.min(bytes.length, (block + 1) * BLOCK_BYTES - at);
      this.addPiece(block, at + from, bytes.subarray(from, to));
      from = to;
    }
    try {
      writeAll(fd, bytes, this.dataOffset + at);
    } catch (e) {
      throw new GrainError(`cannot write: ${(e as Error).message}`, { file: this.path });
    }
    this.placed += bytes.length;
    this.early.wrote(bytes.length);
  }

  /** Ends the current sentence; `words` (the text it came from) is fingerprinted so readers can check they get the same text. */
  endSentence(words?: readonly string[]): void {
    this.openFd();
    if (this.sentenceCount + 2 > this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[++this.sentenceCount] = this.tokenCount;
    this.fingerprints.push(words ? sentenceFingerprint(words) : '');
  }

  /** A whole sentence: its rows, then its end. */
  appendSentence(tokens: string[], rows: Float32Array, words?: readonly string[]): void {
    this.appendRows(tokens, rows);
    this.endSentence(words);
  }

  /** Resolves once no early flush to disk is running (see EarlyFlush): await it before close(). */
  settled(): Promise<void> {
    return this.early.settled();
  }

  /** Finishes the file and gives it its name. On failure nothing is left behind. */
  close(): void {
    const fd = this.openFd();
    const dataBytes = this.tokenCount * this.neurons * this.bytesPerValue;
    try {
      // A caller's bug, not the disk's: kept out of the "cannot write" below.
      if (this.placed !== dataBytes) throw new Error(`activation store ${this.path}: ${this.placed} of ${dataBytes} data bytes placed at close`);
      this.finishBlocks(dataBytes);
    } catch (e) {
      this.abort();
      throw e;
    }
    try {
      this.flushTokens();
      // The index: sentence offsets, then the JSON {"tokens": [...], "meta", "blockBytes",
      // "blocks", "sentences"}, its token list copied from the side file; hashed as it is written.
      const indexOffset = this.dataOffset + dataBytes;
      const hash = createHash('sha256');
      let at = indexOffset;
      const put = (bytes: Uint8Array) => {
        writeAll(fd, bytes, at);
        hash.update(bytes);
        at += bytes.length;
      };
      put(new Uint8Array(this.offsets.buffer, 0, (this.sentenceCount + 1) * 4));
      put(Buffer.from('{"tokens":[', 'utf8'));
      if (this.tokenFd !== undefined) {
        const chunk = Buffer.allocUnsafe(TOKEN_CHUNK_BYTES);
        for (let from = 0; ; ) {
          const n = readSync(this.tokenFd, chunk, 0, chunk.length, from);
          if (n === 0) break;
          put(chunk.subarray(0, n));
          from += n;
        }
      }
      const rest = JSON.stringify({ meta: this.options.meta ?? {}, blockBytes: BLOCK_BYTES, blocks: this.blocks, sentences: this.fingerprints });
      put(Buffer.from(`],${rest.slice(1)}`, 'utf8'));
      const indexLength = at - indexOffset;
      writeAll(fd, Buffer.from(END_MAGIC, 'latin1'), at);
      writeAll(fd, headerBytes(this.options, [this.tokenCount, this.sentenceCount, this.dataOffset, indexOffset, indexLength], hash.digest('hex')), 0);
      fsyncSync(fd);
      closeSync(fd);
      this.fd = undefined;
      renameSync(this.temp.path, this.path);
      this.temp.keep();
      this.dropTokens();
    } catch (e) {
      this.abort();
      if (e instanceof GrainError) throw e;
      throw new GrainError(`cannot write: ${(e as Error).message}`, { file: this.path });
    }
  }

  /** Drops the unfinished file. Safe to call more than once. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already unusable; removing the file is what matters
      }
      this.fd = undefined;
    }
    this.temp.dispose();
    this.dropTokens();
  }

  /** Appends the pending token text to the side file (made on first use). */
  private flushTokens(): void {
    if (this.tokenText.length === 0) return;
    this.tokenFd ??= openSync(this.tokenTemp.path, 'wx+');
    const bytes = Buffer.from(this.tokenText.join(''), 'utf8');
    this.tokenText = [];
    this.tokenChars = 0;
    writeAll(this.tokenFd, bytes, null);
  }

  private dropTokens(): void {
    if (this.tokenFd !== undefined) {
      try {
        closeSync(this.tokenFd);
      } catch {
        // it is removed next
      }
      this.tokenFd = undefined;
    }
    this.tokenTemp.dispose();
    this.tokenText = [];
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`activation store ${this.path} is already closed`);
    return this.fd;
  }

  /** Records the CRC of `bytes` at data offset `at` in `block`; a block whose bytes are all in gets its checksum. */
  private addPiece(block: number, at: number, bytes: Uint8Array): void {
    let pending = this.pending.get(block);
    if (!pending) this.pending.set(block, (pending = { covered: 0, pieces: [] }));
    pending.pieces.push({ at, length: bytes.length, crc: crc32(bytes) });
    pending.covered += bytes.length;
    if (pending.covered === BLOCK_BYTES) this.finishBlock(block, pending);
  }

  /** The last, partial block's checksum (all others are done as they fill). */
  private finishBlocks(dataBytes: number): void {
    const count = Math.ceil(dataBytes / BLOCK_BYTES);
    for (const [block, pending] of this.pending) {
      const expected = Math.min(BLOCK_BYTES, dataBytes - block * BLOCK_BYTES);
      if (block !== count - 1 || pending.covered !== expected) throw new Error(`activation store ${this.path}: data block ${block} incomplete at close`);
      this.finishBlock(block, pending);
    }
  }

  private finishBlock(block: number, pending: PendingBlock): void {
    const pieces = pending.pieces.sort((a, b) => a.at - b.at);
    let crc = pieces[0].crc;
    for (let i = 1; i < pieces.length; i++) {
      if (pieces[i].at !== pieces[i - 1].at + pieces[i - 1].length) throw new Error(`activation store ${this.path}: rows of data block ${block} placed twice or not at all`);
      crc = crc32Combine(crc, pieces[i].crc, pieces[i].length);
    }
    this.blocks[block] = crc32Hex(crc);
    this.pending.delete(block);
  }

}

function sitesJson(sites: SiteInfo[]): Buffer {
  return Buffer.from(JSON.stringify(sites), 'utf8');
}

function dataOffsetOf(sites: SiteInfo[]): number {
  return Math.ceil((HEADER_SIZE[GRAIN_FORMAT_VERSION] + sitesJson(sites).length) / ALIGN) * ALIGN;
}

/** The header and sites of a finished store: counts, then the checksums of the index (SHA-256, hex) and of the header itself. */
function headerBytes(options: GrainStoreOptions, counts: number[], indexSha256: string): Uint8Array {
  const json = sitesJson(options.sites);
  const size = HEADER_SIZE[GRAIN_FORMAT_VERSION];
  const header = new Uint8Array(dataOffsetOf(options.sites));
  const view = new DataView(header.buffer);
  header.set(Buffer.from(GRAIN_MAGIC, 'latin1'), 0);
  view.setUint32(8, GRAIN_FORMAT_VERSION, true);
  view.setUint32(12, DTYPE_CODES[options.dtype], true);
  view.setUint32(16, totalNeurons(options.sites), true);
  view.setUint32(20, json.length, true);
  counts.forEach((v, i) => view.setBigUint64(24 + 8 * i, BigInt(v), true));
  header.set(Buffer.from(indexSha256, 'hex'), COUNTS_SIZE);
  header.set(json, size);
  header.set(Buffer.from(digest(Buffer.concat([header.subarray(0, COUNTS_SIZE), json]), 32), 'hex'), COUNTS_SIZE + 32);
  return header;
}

export class GrainStoreReader {
  readonly sites: SiteInfo[];
  readonly neurons: number;
  readonly rows: number;
  readonly sentences: number;
  readonly tokens: string[];
  readonly sentenceOffsets: Uint32Array;
  readonly meta: Record<string, unknown>;
  readonly dtype: StoreDtype;
  readonly version: number;
  /** Per sentence: the fingerprint of the words it was extracted from ('' where unknown); none in version 1. */
  readonly sentenceFingerprints: string[] | undefined;
  private readonly dataOffset: number;
  private readonly dataBytes: number;
  private readonly blocks: { bytes: number; sums: string[]; sum: (bytes: Uint8Array) => string; verified: Uint8Array } | undefined;
  private fd: number | undefined;

  private constructor(readonly path: string, fd: number) {
    this.fd = fd;
    const size = fstatSync(fd).size;
    const corrupt = (what: string) =>
      new GrainError(`not a valid Grain activation store (${what}); it may be truncated or damaged`, { file: path });
    if (size < COUNTS_SIZE) throw corrupt(`only ${size} bytes`);
    const counts = readExactly(fd, COUNTS_SIZE, 0, path);
    if (Buffer.from(counts.subarray(0, 8)).toString('latin1') !== GRAIN_MAGIC) {
      throw new GrainError('not a Grain activation store (wrong magic bytes)', { file: path });
    }
    const view = new DataView(counts.buffer, counts.byteOffset, COUNTS_SIZE);
    const version = view.getUint32(8, true);
    if (version > GRAIN_FORMAT_VERSION) {
      throw new GrainError(
        `written by a newer Grain (store format version ${version}; this Grain reads up to ${GRAIN_FORMAT_VERSION}); update Grain`,
        { file: path },
      );
    }
    if (version < 1) throw corrupt(`format version ${version}`);
    this.version = version;
    const headerSize = HEADER_SIZE[version];
    if (size < headerSize) throw corrupt(`only ${size} bytes`);
    const dtype = (Object.keys(DTYPE_CODES) as StoreDtype[]).find((d) => DTYPE_CODES[d] === view.getUint32(12, true));
    if (!dtype) throw corrupt(`unknown dtype code ${view.getUint32(12, true)}`);
    this.dtype = dtype;
    this.neurons = view.getUint32(16, true);
    const sitesLength = view.getUint32(20, true);
    const u64 = (at: number) => {
      const v = view.getBigUint64(at, true);
      if (v > BigInt(size)) throw corrupt(`header field at byte ${at} is ${v}, past the end of the file`);
      return Number(v);
    };
    this.rows = u64(24);
    this.sentences = u64(32);
    this.dataOffset = u64(40);
    const indexOffset = u64(48);
    const indexLength = u64(56);
    this.dataBytes = this.rows * this.neurons * BYTES[dtype];
    if (headerSize + sitesLength > this.dataOffset) throw corrupt('sites overlap the data');
    if (this.dataOffset + this.dataBytes !== indexOffset) throw corrupt('data size does not match rows x neurons');
    if (indexOffset + indexLength + END_MAGIC.length !== size) throw corrupt(`file size ${size} does not match its index`);
    if (indexLength < (this.sentences + 1) * 4) throw corrupt('index too short');

    const sitesBytes = readExactly(fd, sitesLength, headerSize, path);
    this.sites = parseJson(sitesBytes, 'sites', corrupt) as SiteInfo[];
    checkSites(this.sites, path);
    if (totalNeurons(this.sites) !== this.neurons) throw corrupt(`sites hold ${totalNeurons(this.sites)} neurons, header says ${this.neurons}`);

    const tail = readExactly(fd, indexLength + END_MAGIC.length, indexOffset, path);
    if (Buffer.from(tail.subarray(indexLength)).toString('latin1') !== END_MAGIC) throw corrupt('missing end marker');
    const offsetBytes = (this.sentences + 1) * 4;
    this.sentenceOffsets = new Uint32Array(tail.slice(0, offsetBytes).buffer);
    checkOffsets(this.sentenceOffsets, this.rows, corrupt);
    const index = parseJson(tail.subarray(offsetBytes, indexLength), 'index', corrupt) as Partial<StoreIndex>;
    if (!Array.isArray(index.tokens) || index.tokens.length !== this.rows || index.tokens.some((t) => typeof t !== 'string')) {
      throw corrupt(`token list does not hold ${this.rows} strings`);
    }
    if (version >= 2) {
      const sums = readExactly(fd, 64, COUNTS_SIZE, path);
      const damaged = (what: string) => new GrainError(`the activation store is damaged: ${what} does not match its checksum; extract the activations again`, { file: path });
      if (digest(Buffer.concat([counts, sitesBytes]), 32) !== Buffer.from(sums.subarray(32, 64)).toString('hex')) throw damaged('its header');
      if (digest(tail.subarray(0, indexLength), 32) !== Buffer.from(sums.subarray(0, 32)).toString('hex')) throw damaged('its index (token list and sentence offsets)');
      const blocks = Math.ceil(this.dataBytes / (index.blockBytes ?? 1));
      if (!Number.isInteger(index.blockBytes) || !Array.isArray(index.blocks) || index.blocks.length !== blocks || !Array.isArray(index.sentences) || index.sentences.length !== this.sentences) {
        throw corrupt('checksum list does not match the data');
      }
      this.blocks = { bytes: index.blockBytes!, sums: index.blocks, sum: version >= 3 ? blockChecksum : digest, verified: new Uint8Array(blocks) };
      this.sentenceFingerprints = index.sentences;
    }
    this.tokens = index.tokens as string[];
    this.meta = index.meta && typeof index.meta === 'object' ? (index.meta as Record<string, unknown>) : {};
  }

  static open(path: string): GrainStoreReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw fileReadError(path, e);
    }
    try {
      return new GrainStoreReader(path, fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** Rows [start, start + count) as one row-major block, read from disk with one positioned read. */
  readRows(start: number, count: number): Float32Array {
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > this.rows) {
      throw new RangeError(`rows ${start}..${start + count} out of range (${this.rows} rows)`);
    }
    const values = count * this.neurons;
    const from = start * this.neurons * BYTES[this.dtype];
    const out = new Float32Array(values);
    if (this.dtype === 'float32') {
      this.readData(new Uint8Array(out.buffer), from);
    } else {
      const half = new Uint16Array(values);
      this.readData(new Uint8Array(half.buffer), from);
      decodeFloat16(half, out);
    }
    return out;
  }

  /** Consecutive blocks of at most maxRows rows; each block is read only when asked for. */
  *chunks(maxRows: number): Generator<{ start: number; rows: number; data: Float32Array }> {
    if (!(maxRows >= 1)) throw new RangeError(`chunks: maxRows must be at least 1, got ${maxRows}`);
    for (let start = 0; start < this.rows; start += maxRows) {
      const rows = Math.min(maxRows, this.rows - start);
      yield { start, rows, data: this.readRows(start, rows) };
    }
  }

  readAll(): ActivationMatrix {
    return {
      sites: this.sites,
      neurons: this.neurons,
      tokens: this.tokens,
      sentenceOffsets: this.sentenceOffsets,
      data: this.readRows(0, this.rows),
    };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Data bytes [from, from + out.length). Blocks not checked yet are read whole and checked
   * first; afterwards reads go straight to the requested bytes.
   */
  private readData(out: Uint8Array, from: number): void {
    const fd = this.openFd();
    const blocks = this.blocks;
    if (!blocks || out.length === 0) {
      readInto(fd, out, this.dataOffset + from, this.path);
      return;
    }
    const first = Math.floor(from / blocks.bytes);
    const last = Math.floor((from + out.length - 1) / blocks.bytes);
    let unchecked = false;
    for (let b = first; b <= last; b++) if (!blocks.verified[b]) unchecked = true;
    if (!unchecked) {
      readInto(fd, out, this.dataOffset + from, this.path);
      return;
    }
    const spanStart = first * blocks.bytes;
    const span = new Uint8Array(Math.min(this.dataBytes, (last + 1) * blocks.bytes) - spanStart);
    readInto(fd, span, this.dataOffset + spanStart, this.path);
    for (let b = first; b <= last; b++) {
      if (blocks.verified[b]) continue;
      const at = b * blocks.bytes - spanStart;
      if (blocks.sum(span.subarray(at, Math.min(span.length, at + blocks.bytes))) !== blocks.sums[b]) throw this.damagedBlock(b);
      blocks.verified[b] = 1;
    }
    out.set(span.subarray(from - spanStart, from - spanStart + out.length));
  }

  private damagedBlock(b: number): GrainError {
    const rowBytes = this.neurons * BYTES[this.dtype];
    const firstRow = Math.floor((b * this.blocks!.bytes) / rowBytes);
    const lastRow = Math.min(this.rows - 1, Math.floor(((b + 1) * this.blocks!.bytes - 1) / rowBytes));
    const sentence = (row: number) => {
      let lo = 0;
      let hi = this.sentences - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.sentenceOffsets[mid] <= row) lo = mid;
        else hi = mid - 1;
      }
      return lo + 1;
    };
    return new GrainError(
      `the activation store is damaged: data block ${b + 1} of ${this.blocks!.sums.length} (rows ${firstRow + 1}-${lastRow + 1}, ` +
        `sentences ${sentence(firstRow)}-${sentence(lastRow)}) does not match its checksum; extract the activations again`,
      { file: this.path },
    );
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`activation store ${this.path} is closed`);
    return this.fd;
  }
}

function readExactly(fd: number, length: number, position: number, path: string): Uint8Array {
  const out = new Uint8Array(length);
  readInto(fd, out, position, path);
  return out;
}

function readInto(fd: number, out: Uint8Array, position: number, path: string): void {
  for (let done = 0; done < out.length; ) {
    const n = readSync(fd, out, done, out.length - done, position + done);
    if (n === 0) throw new GrainError('unexpected end of file: the activation store is truncated', { file: path });
    done += n;
  }
}

function parseJson(bytes: Uint8Array, what: string, corrupt: (what: string) => GrainError): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw corrupt(`unreadable ${what}`);
  }
}

function checkOffsets(offsets: Uint32Array, rows: number, corrupt: (what: string) => GrainError): void {
  if (offsets[0] !== 0 || offsets[offsets.length - 1] !== rows) throw corrupt('sentence offsets do not span the rows');
  for (let i = 1; i < offsets.length; i++) {
    if (offsets[i] < offsets[i - 1]) throw corrupt(`sentence offsets decrease at sentence ${i}`);
  }
}
