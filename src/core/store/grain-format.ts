import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { ActivationMatrix, SiteInfo, totalNeurons } from '../activations';
import { GrainError } from '../errors';
import { siblingTemp, type Temporary } from '../io/temp';
import { decodeFloat16, encodeFloat16 } from './float16';
import { checkSites } from './sites';

/**
 * Grain's activation store: rows streamed to disk, read back in chunks, so a corpus larger
 * than memory works. Little-endian throughout:
 *
 *   0  "GRAINACT"                    8  u32 version      12 u32 dtype (1 float32, 2 float16)
 *   16 u32 neurons                   20 u32 byte length of the sites JSON
 *   24 u64 rows     32 u64 sentences 40 u64 data offset  48 u64 index offset  56 u64 index length
 *   64 sites JSON (UTF-8), zero-padded so the data starts 64-byte aligned
 *   data: rows x neurons values, row-major
 *   index: u32 sentence offsets (sentences + 1), then UTF-8 JSON {"tokens": [...], "meta": {...}}
 *   "GRAINEND"
 *
 * Counts and offsets are only known at the end, so close() patches them into the header;
 * the file only appears under its name (rename) once complete.
 */
export const GRAIN_MAGIC = 'GRAINACT';
const END_MAGIC = 'GRAINEND';
export const GRAIN_FORMAT_VERSION = 1;
const HEADER_SIZE = 64;
const ALIGN = 64;
const BUFFER_BYTES = 4 << 20;
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

export class GrainStoreWriter {
  private readonly neurons: number;
  private readonly bytesPerValue: number;
  private readonly buffer = new Uint8Array(BUFFER_BYTES);
  private readonly bufferF32 = new Float32Array(this.buffer.buffer);
  private readonly bufferF16 = new Uint16Array(this.buffer.buffer);
  private buffered = 0;
  private position: number;
  private readonly tokens: string[] = [];
  private readonly offsets: number[] = [0];
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    private readonly temp: Temporary,
    fd: number,
    private readonly options: GrainStoreOptions,
  ) {
    this.fd = fd;
    this.neurons = totalNeurons(options.sites);
    this.bytesPerValue = BYTES[options.dtype];
    this.position = writeHeader(fd, options);
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
    try {
      return new GrainStoreWriter(path, temp, fd, options);
    } catch (e) {
      closeSync(fd);
      temp.dispose();
      throw e;
    }
  }

  get rows(): number {
    return this.tokens.length;
  }

  appendSentence(tokens: string[], rows: Float32Array): void {
    const fd = this.openFd();
    if (rows.length !== tokens.length * this.neurons) {
      throw new Error(`appendSentence: ${rows.length} values for ${tokens.length} tokens x ${this.neurons} neurons`);
    }
    if (this.tokens.length + tokens.length > MAX_ROWS) {
      throw new GrainError(`too many rows for one store (at most ${MAX_ROWS})`, { file: this.path });
    }
    const perBuffer = BUFFER_BYTES / this.bytesPerValue;
    for (let at = 0; at < rows.length; ) {
      const free = perBuffer - this.buffered;
      const n = Math.min(free, rows.length - at);
      const piece = rows.subarray(at, at + n);
      if (this.bytesPerValue === 4) this.bufferF32.set(piece, this.buffered);
      else encodeFloat16(piece, this.bufferF16.subarray(this.buffered, this.buffered + n));
      this.buffered += n;
      at += n;
      if (this.buffered === perBuffer) this.flush(fd);
    }
    for (const t of tokens) this.tokens.push(t);
    this.offsets.push(this.tokens.length);
  }

  /** Finishes the file and gives it its name. On failure nothing is left behind. */
  close(): void {
    const fd = this.openFd();
    try {
      this.flush(fd);
      const indexOffset = this.position;
      const offsets = new Uint32Array(this.offsets);
      const json = Buffer.from(JSON.stringify({ tokens: this.tokens, meta: this.options.meta ?? {} }), 'utf8');
      writeAll(fd, new Uint8Array(offsets.buffer), indexOffset);
      writeAll(fd, json, indexOffset + offsets.byteLength);
      const indexLength = offsets.byteLength + json.length;
      writeAll(fd, Buffer.from(END_MAGIC, 'latin1'), indexOffset + indexLength);
      const counts = new DataView(new ArrayBuffer(40));
      counts.setBigUint64(0, BigInt(this.tokens.length), true);
      counts.setBigUint64(8, BigInt(this.offsets.length - 1), true);
      counts.setBigUint64(16, BigInt(dataOffsetOf(this.options.sites)), true);
      counts.setBigUint64(24, BigInt(indexOffset), true);
      counts.setBigUint64(32, BigInt(indexLength), true);
      writeAll(fd, new Uint8Array(counts.buffer), 24);
      fsyncSync(fd);
      closeSync(fd);
      this.fd = undefined;
      renameSync(this.temp.path, this.path);
      this.temp.keep();
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
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`activation store ${this.path} is already closed`);
    return this.fd;
  }

  private flush(fd: number): void {
    const bytes = this.buffered * this.bytesPerValue;
    if (bytes === 0) return;
    writeAll(fd, this.buffer.subarray(0, bytes), this.position);
    this.position += bytes;
    this.buffered = 0;
  }
}

function sitesJson(sites: SiteInfo[]): Buffer {
  return Buffer.from(JSON.stringify(sites), 'utf8');
}

function dataOffsetOf(sites: SiteInfo[]): number {
  return Math.ceil((HEADER_SIZE + sitesJson(sites).length) / ALIGN) * ALIGN;
}

function writeHeader(fd: number, options: GrainStoreOptions): number {
  const json = sitesJson(options.sites);
  const dataOffset = dataOffsetOf(options.sites);
  const header = new Uint8Array(dataOffset);
  const view = new DataView(header.buffer);
  header.set(Buffer.from(GRAIN_MAGIC, 'latin1'), 0);
  view.setUint32(8, GRAIN_FORMAT_VERSION, true);
  view.setUint32(12, DTYPE_CODES[options.dtype], true);
  view.setUint32(16, totalNeurons(options.sites), true);
  view.setUint32(20, json.length, true);
  header.set(json, HEADER_SIZE);
  writeAll(fd, header, 0);
  return dataOffset;
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length; ) {
    done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
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
  private readonly dataOffset: number;
  private fd: number | undefined;

  private constructor(readonly path: string, fd: number) {
    this.fd = fd;
    const size = fstatSync(fd).size;
    const corrupt = (what: string) =>
      new GrainError(`not a valid Grain activation store (${what}); it may be truncated or damaged`, { file: path });
    if (size < HEADER_SIZE) throw corrupt(`only ${size} bytes`);
    const head = readExactly(fd, HEADER_SIZE, 0, path);
    if (Buffer.from(head.subarray(0, 8)).toString('latin1') !== GRAIN_MAGIC) {
      throw new GrainError('not a Grain activation store (wrong magic bytes)', { file: path });
    }
    const view = new DataView(head.buffer, head.byteOffset, HEADER_SIZE);
    const version = view.getUint32(8, true);
    if (version > GRAIN_FORMAT_VERSION) {
      throw new GrainError(
        `written by a newer Grain (store format version ${version}; this Grain reads up to ${GRAIN_FORMAT_VERSION}); update Grain`,
        { file: path },
      );
    }
    if (version < 1) throw corrupt(`format version ${version}`);
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
    if (HEADER_SIZE + sitesLength > this.dataOffset) throw corrupt('sites overlap the data');
    if (this.dataOffset + this.rows * this.neurons * BYTES[dtype] !== indexOffset) throw corrupt('data size does not match rows x neurons');
    if (indexOffset + indexLength + END_MAGIC.length !== size) throw corrupt(`file size ${size} does not match its index`);
    if (indexLength < (this.sentences + 1) * 4) throw corrupt('index too short');

    this.sites = parseJson(readExactly(fd, sitesLength, HEADER_SIZE, path), 'sites', corrupt) as SiteInfo[];
    checkSites(this.sites, path);
    if (totalNeurons(this.sites) !== this.neurons) throw corrupt(`sites hold ${totalNeurons(this.sites)} neurons, header says ${this.neurons}`);

    const tail = readExactly(fd, indexLength + END_MAGIC.length, indexOffset, path);
    if (Buffer.from(tail.subarray(indexLength)).toString('latin1') !== END_MAGIC) throw corrupt('missing end marker');
    const offsetBytes = (this.sentences + 1) * 4;
    this.sentenceOffsets = new Uint32Array(tail.slice(0, offsetBytes).buffer);
    checkOffsets(this.sentenceOffsets, this.rows, corrupt);
    const index = parseJson(tail.subarray(offsetBytes, indexLength), 'index', corrupt) as { tokens?: unknown; meta?: unknown };
    if (!Array.isArray(index.tokens) || index.tokens.length !== this.rows || index.tokens.some((t) => typeof t !== 'string')) {
      throw corrupt(`token list does not hold ${this.rows} strings`);
    }
    this.tokens = index.tokens as string[];
    this.meta = index.meta && typeof index.meta === 'object' ? (index.meta as Record<string, unknown>) : {};
  }

  static open(path: string): GrainStoreReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new GrainError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(e as Error).message}`, { file: path });
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
    const fd = this.openFd();
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > this.rows) {
      throw new RangeError(`rows ${start}..${start + count} out of range (${this.rows} rows)`);
    }
    const values = count * this.neurons;
    const position = this.dataOffset + start * this.neurons * BYTES[this.dtype];
    const out = new Float32Array(values);
    if (this.dtype === 'float32') {
      readInto(fd, new Uint8Array(out.buffer), position, this.path);
    } else {
      const half = new Uint16Array(values);
      readInto(fd, new Uint8Array(half.buffer), position, this.path);
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
