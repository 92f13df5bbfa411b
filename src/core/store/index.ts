import { open } from 'node:fs/promises';
import type { ActivationMatrix, SiteInfo } from '../activations';
import { GrainError } from '../errors';
import { fileReadError } from '../io/read-file';
import { GRAIN_MAGIC, GrainStoreReader, GrainStoreWriter, type StoreDtype } from './grain-format';
import { NeuroxHdf5Writer, readNeuroxHdf5 } from './neurox-hdf5';
import { NeuroxJsonWriter, readNeuroxJson } from './neurox-json';
import type { ActivationSink, PlacingSink } from './sink';

export { appendSentence, isPlacingSink, type ActivationSink, type PlacingSink } from './sink';
export { MemorySink } from './memory-sink';
export { PerLayerSink, perLayerPath } from './per-layer';
export { GrainStoreReader, GrainStoreWriter, type StoreDtype } from './grain-format';
export { readNeuroxJson } from './neurox-json';
export { readNeuroxHdf5 } from './neurox-hdf5';
export { float32ToFloat16Bits, float16BitsToFloat32, encodeFloat16, decodeFloat16 } from './float16';

export type ActivationFormat = 'grain' | 'json' | 'hdf5';

export interface SinkOptions {
  /**
   * float16 halves a Grain store at ~3 significant digits; NeuroX JSON writes each value rounded
   * to float16 (NeuroX's dtype); NeuroX HDF5 cannot hold it (see createSink). Default float32.
   */
  dtype?: StoreDtype;
  /** Grain store only: free-form run description kept in the file. */
  meta?: Record<string, unknown>;
}

/** A writer for `format` at `path`; nothing appears at `path` until close() succeeds. */
export function createSink(path: string, format: ActivationFormat, opts: SinkOptions = {}): ActivationSink {
  switch (format) {
    case 'grain':
      return new GrainSink(path, opts);
    case 'json':
      return new NeuroxJsonWriter(path, opts.dtype === 'float16');
    case 'hdf5':
      return new NeuroxHdf5Writer(path, opts.dtype === 'float16');
    default:
      throw new GrainError(`unknown activation format "${format as string}" (grain, json or hdf5)`, { file: path });
  }
}

class GrainSink implements PlacingSink {
  private writer: GrainStoreWriter | undefined;

  constructor(
    private readonly path: string,
    private readonly opts: SinkOptions,
  ) {}

  async begin(sites: SiteInfo[]): Promise<void> {
    this.writer = GrainStoreWriter.create(this.path, { sites, dtype: this.opts.dtype ?? 'float32', meta: this.opts.meta });
  }

  appendRows(tokens: string[], rows: Float32Array): void {
    if (!this.writer) throw new Error('appendRows before begin');
    this.writer.appendRows(tokens, rows);
  }

  reserveRows(tokens: string[]): number {
    if (!this.writer) throw new Error('reserveRows before begin');
    return this.writer.reserveRows(tokens);
  }

  placeRows(row: number, rows: Float32Array): void {
    if (!this.writer) throw new Error('placeRows before begin');
    this.writer.placeRows(row, rows);
  }

  endSentence(words?: readonly string[]): void {
    if (!this.writer) throw new Error('endSentence before begin');
    this.writer.endSentence(words);
  }

  async close(): Promise<void> {
    if (!this.writer) throw new Error('close before begin');
    await this.writer.settled();
    this.writer.close();
  }

  async abort(): Promise<void> {
    this.writer?.abort();
  }
}

/** Activations opened for reading, whatever their format; rows come in chunks. */
export interface ActivationSource {
  format: ActivationFormat;
  sites: SiteInfo[];
  neurons: number;
  rows: number;
  sentences: number;
  tokens: string[];
  sentenceOffsets: Uint32Array;
  /** Grain store only; {} otherwise. */
  meta: Record<string, unknown>;
  /** Grain store (version 2 on) only: per sentence, the fingerprint of the words it was made from ('' where unknown). */
  sentenceFingerprints?: string[];
  /** Consecutive row blocks of at most maxRows rows (row-major, rows x neurons). */
  chunks(maxRows: number): Iterable<{ start: number; rows: number; data: Float32Array }>;
  readAll(): ActivationMatrix;
  close(): void;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Opens activations in any of the three formats, told apart by their first bytes. The grain
 * store is read from disk chunk by chunk; NeuroX JSON and HDF5 are loaded into memory.
 */
export async function openActivations(path: string, signal?: AbortSignal): Promise<ActivationSource> {
  const format = await sniffFormat(path);
  if (format === 'grain') return grainSource(GrainStoreReader.open(path));
  const matrix = format === 'hdf5' ? await readNeuroxHdf5(path) : await readNeuroxJson(path, signal);
  return memorySource(format, matrix);
}

/** The binary store formats, known by their first 8 bytes. */
export function binaryStoreFormat(head: Uint8Array): 'grain' | 'hdf5' | undefined {
  if (Buffer.from(head.subarray(0, 8)).toString('latin1') === GRAIN_MAGIC) return 'grain';
  if (HDF5_SIGNATURE.every((b, i) => head[i] === b)) return 'hdf5';
  return undefined;
}

export async function sniffFormat(path: string): Promise<ActivationFormat> {
  let head: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      head = new Uint8Array(256);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw fileReadError(path, e);
  }
  const binary = binaryStoreFormat(head);
  if (binary) return binary;
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] === 0x7b /* { */) {
    const result = /^\{\s*"schema"\s*:\s*"grain\.([a-z-]+)"/.exec(Buffer.from(head.subarray(i)).toString('utf8'));
    if (result) throw new GrainError(`is a Grain ${result[1]} result, not activations (a Grain store, NeuroX HDF5 or NeuroX JSON lines)`, { file: path });
    return 'json';
  }
  throw new GrainError(
    head.length === 0 ? 'the file is empty, not activations' : 'not an activations file (expected a Grain store, NeuroX HDF5 or NeuroX JSON lines)',
    { file: path },
  );
}

function grainSource(reader: GrainStoreReader): ActivationSource {
  return {
    format: 'grain',
    sites: reader.sites,
    neurons: reader.neurons,
    rows: reader.rows,
    sentences: reader.sentences,
    tokens: reader.tokens,
    sentenceOffsets: reader.sentenceOffsets,
    meta: reader.meta,
    sentenceFingerprints: reader.sentenceFingerprints,
    chunks: (maxRows) => reader.chunks(maxRows),
    readAll: () => reader.readAll(),
    close: () => reader.close(),
  };
}

/** In-memory activations as a source (NeuroX files once loaded, sentence representations). */
export function memorySource(format: ActivationFormat, m: ActivationMatrix): ActivationSource {
  const rows = m.sentenceOffsets[m.sentenceOffsets.length - 1];
  return {
    format,
    sites: m.sites,
    neurons: m.neurons,
    rows,
    sentences: m.sentenceOffsets.length - 1,
    tokens: m.tokens,
    sentenceOffsets: m.sentenceOffsets,
    meta: {},
    *chunks(maxRows: number) {
      if (!(maxRows >= 1)) throw new RangeError(`chunks: maxRows must be at least 1, got ${maxRows}`);
      for (let start = 0; start < rows; start += maxRows) {
        const n = Math.min(maxRows, rows - start);
        yield { start, rows: n, data: m.data.subarray(start * m.neurons, (start + n) * m.neurons) };
      }
    },
    readAll: () => m,
    close: () => undefined,
  };
}
export { sentenceFingerprint } from './checksums';
export { sentenceRows, type SentencePooling } from './sentence-rows';
