import { closeSync, fsyncSync, openSync } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import type * as H5 from 'h5wasm/node';
import { ActivationMatrix, SiteInfo } from '../activations';
import { GrainError } from '../errors';
import { fileReadError } from '../io/read-file';
import { siblingTemp, type Temporary } from '../io/temp';
import { EarlyFlush } from '../io/early-flush';
import { Hdf5FileWriter } from './hdf5-file';
import { decodeFloat16, encodeFloat16 } from './float16';
import { MemorySink } from './memory-sink';
import type { ActivationSink } from './sink';
import { checkSites, neuroxSites, requireEqualWidths } from './sites';

/**
 * NeuroX's HDF5 layout: one float32 dataset per sentence, named by its index ("0", "1", ...),
 * shaped [layers, words, hidden]; and "sentence_to_index", a one-element string dataset with
 * JSON {sentence text: "index"} (text = tokens joined by single spaces), one entry per sentence
 * in sentence order. NeuroX's writer (since 2021) keys a repeated text as "<text> (Occurrence 2)",
 * "<text> (Occurrence 3)", ..., and NeuroX's loader reads the sentences in the map's key order:
 * a lost entry is a lost sentence, and a key out of order misaligns every label after it.
 *
 * Tokens that contain spaces do not survive that map, so Grain also writes "grain_tokens" (JSON
 * list of token lists) and "grain_sites" (JSON SiteInfo list), which NeuroX ignores. Files
 * without them still read: NeuroX's own, with or without occurrence keys.
 */

type H5Module = typeof H5;
/** HDF5's class code for floating-point types, as h5wasm reports it in `metadata.type`. */
const H5T_FLOAT = 1;
let h5Loading: Promise<H5Module> | undefined;

/** h5wasm is an ES module whose WebAssembly starts asynchronously: load it once, on first use. */
function loadH5(): Promise<H5Module> {
  h5Loading ??= (async () => {
    const h5 = (await import('h5wasm/node')) as H5Module;
    const module = await h5.ready;
    // HDF5 errors become exceptions here instead of diagnostics printed to stderr.
    module.activate_throwing_error_handler();
    return h5;
  })();
  return h5Loading;
}

function h5Error(path: string, what: string, e: unknown): GrainError {
  // The HDF5 stack trace is long; its last "minor:" line is the part a user can act on.
  const text = String((e as Error)?.message ?? e);
  const minor = [...text.matchAll(/minor: (.*)/g)].pop()?.[1];
  return new GrainError(`${what}: ${minor ?? text.split('\n')[0]}`, { file: path });
}

/**
 * Writes as it goes, one dataset per finished sentence, through Grain's own HDF5 writer
 * (hdf5-file.ts): the values go from one reused buffer straight to the file, with no HDF5
 * library between (h5wasm cost ~45 us and a copy into its heap per sentence, and a second or two
 * to load). A sentence that comes in one appendRows (all but windowed long lines) is transposed
 * straight into that buffer; one that comes in pieces is gathered in a growing buffer per layer
 * first, as its length is not known until its end.
 */
export class NeuroxHdf5Writer implements ActivationSink {
  private readonly temp: Temporary;
  private fd: number | undefined;
  private file: Hdf5FileWriter | undefined;
  private sites: SiteInfo[] = [];
  private width = 0;
  /** Insertion order is sentence order: a Map, since a plain object would put integer-like texts ("1961") first. */
  private readonly sentenceToIndex = new Map<string, string>();
  private readonly tokens: string[][] = [];
  private sentenceTokens: string[] = [];
  /** Per layer: the current sentence's words x hidden values so far (a sentence in pieces). */
  private layers: Float32Array[] = [];
  private words = 0;
  /** The current sentence as NeuroX stores it, [layers][words][hidden]; reused, grown when a sentence is larger. */
  private block = new Float32Array(0);
  /** The current sentence's rows are already in `block`. */
  private inBlock = false;
  /** float16 values (NeuroX's dtype float16), rounded from the float32 rows as they are written. */
  private half = new Uint16Array(0);
  private readonly early: EarlyFlush;

  constructor(
    readonly path: string,
    private readonly float16 = false,
  ) {
    this.temp = siblingTemp(path);
    this.early = new EarlyFlush(this.temp.path);
  }

  async begin(sites: SiteInfo[]): Promise<void> {
    checkSites(sites, this.path);
    this.width = requireEqualWidths(sites, this.path, 'NeuroX HDF5');
    this.sites = sites;
    this.layers = sites.map(() => new Float32Array(64 * this.width));
    try {
      this.fd = openSync(this.temp.path, 'wx');
    } catch (e) {
      throw new GrainError(`cannot create HDF5 file: ${(e as Error).message}`, { file: this.path });
    }
    this.file = new Hdf5FileWriter(this.fd);
  }

  /** NeuroX's layout is [layers][words][hidden] per sentence: a sentence's rows are held until its end. */
  appendRows(tokens: string[], rows: Float32Array): void {
    if (!this.file) throw new Error('NeuroxHdf5Writer: appendRows outside begin/close');
    const layers = this.sites.length;
    const hidden = this.width;
    if (rows.length !== tokens.length * layers * hidden) {
      throw new Error(`appendRows: ${rows.length} values for ${tokens.length} tokens x ${layers * hidden} neurons`);
    }
    for (const t of tokens) this.sentenceTokens.push(t);
    // rows are [words][layers * hidden]; each layer's part goes to its own place.
    if (this.words === 0) {
      const words = tokens.length;
      const block = this.blockFor(words);
      for (let w = 0; w < words; w++) {
        for (let l = 0; l < layers; l++) block.set(rows.subarray((w * layers + l) * hidden, (w * layers + l + 1) * hidden), (l * words + w) * hidden);
      }
      this.words = words;
      this.inBlock = true;
      return;
    }
    if (this.inBlock) this.leaveBlock();
    const words = this.words + tokens.length;
    if (words * hidden > this.layers[0].length) {
      const size = Math.max(words * hidden, 2 * this.layers[0].length);
      this.layers = this.layers.map((old) => {
        const grown = new Float32Array(size);
        grown.set(old.subarray(0, this.words * hidden));
        return grown;
      });
    }
    for (let w = 0; w < tokens.length; w++) {
      for (let l = 0; l < layers; l++) this.layers[l].set(rows.subarray((w * layers + l) * hidden, (w * layers + l + 1) * hidden), (this.words + w) * hidden);
    }
    this.words = words;
  }

  /** The block as [layers][words][hidden] for a sentence of `words` words. */
  private blockFor(words: number): Float32Array {
    const values = this.sites.length * words * this.width;
    if (values > this.block.length) this.block = new Float32Array(Math.max(values, 2 * this.block.length));
    return this.block.subarray(0, values);
  }

  /** A second piece of the sentence came: its first moves from the block to the layer buffers. */
  private leaveBlock(): void {
    const hidden = this.width;
    const size = Math.max(2 * this.words * hidden, this.layers[0].length);
    this.layers = this.layers.map((old, l) => {
      const into = size > old.length ? new Float32Array(size) : old;
      into.set(this.block.subarray(l * this.words * hidden, (l + 1) * this.words * hidden));
      return into;
    });
    this.inBlock = false;
  }

  endSentence(): void {
    if (!this.file) throw new Error('NeuroxHdf5Writer: endSentence outside begin/close');
    const layers = this.sites.length;
    const hidden = this.width;
    const words = this.words;
    const index = String(this.tokens.length);
    const block = this.blockFor(words);
    if (!this.inBlock) for (let l = 0; l < layers; l++) block.set(this.layers[l].subarray(0, words * hidden), l * words * hidden);
    const shape = [layers, words, hidden];
    const half = this.float16 ? this.toFloat16(block, index, words) : undefined;
    try {
      this.file.numbers(index, shape, half ?? block);
    } catch (e) {
      throw new GrainError(`cannot write sentence ${index}: ${(e as Error).message}`, { file: this.path });
    }
    this.early.wrote(block.length * (this.float16 ? 2 : 4));
    this.sentenceToIndex.set(occurrenceKey(this.sentenceTokens.join(' '), this.sentenceToIndex), index);
    this.tokens.push(this.sentenceTokens);
    this.sentenceTokens = [];
    this.words = 0;
    this.inBlock = false;
  }

  /** The sentence's block rounded to float16 (a reused buffer); a value beyond float16's range is an error. */
  private toFloat16(block: Float32Array, index: string, words: number): Uint16Array {
    if (this.half.length < block.length) this.half = new Uint16Array(this.block.length);
    const half = this.half.subarray(0, block.length);
    const over = encodeFloat16(block, half);
    if (over >= 0) {
      const token = Math.floor((over % (words * this.width)) / this.width);
      throw new GrainError(`activation ${block[over]} (sentence ${index}, token ${token}) is beyond float16's range (65504); write float32`, { file: this.path });
    }
    return half;
  }

  async close(): Promise<void> {
    const file = this.file;
    if (!file || this.fd === undefined) throw new Error('NeuroxHdf5Writer: close outside begin');
    try {
      file.string('sentence_to_index', orderedJsonObject(this.sentenceToIndex));
      file.string('grain_tokens', JSON.stringify(this.tokens));
      file.string('grain_sites', JSON.stringify(this.sites));
      file.finish();
      // On disk before it takes the final name, as every result file.
      await this.early.settled();
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      this.file = undefined;
      await rename(this.temp.path, this.path);
      this.temp.keep();
    } catch (e) {
      await this.abort();
      throw e instanceof GrainError ? e : new GrainError(`cannot finish HDF5 file: ${(e as Error).message}`, { file: this.path });
    }
  }

  async abort(): Promise<void> {
    this.file = undefined;
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // the file is being thrown away
      }
      this.fd = undefined;
    }
    this.temp.dispose();
  }
}

/**
 * NeuroX's key for a sentence text: the text itself the first time, then "<text> (Occurrence k)"
 * with the smallest k from 2 not yet taken (NeuroX's HDF5ActivationsWriter.write_activations).
 */
function occurrenceKey(text: string, taken: { has(key: string): boolean }): string {
  let key = text;
  for (let k = 2; taken.has(key); k++) key = `${text} (Occurrence ${k})`;
  return key;
}

/** A JSON object with the map's keys in insertion order (JSON.stringify of an object would not keep them). */
function orderedJsonObject(map: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [key, value] of map) parts.push(`${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return `{${parts.join(', ')}}`;
}

/** Reads a NeuroX (or Grain-written) activations HDF5 file into memory. */
export async function readNeuroxHdf5(path: string): Promise<ActivationMatrix> {
  try {
    if (!(await stat(path)).isFile()) throw new GrainError('is not a file', { file: path });
  } catch (e) {
    if (e instanceof GrainError) throw e;
    throw fileReadError(path, e);
  }
  const h5 = await loadH5();
  let file: H5.File;
  try {
    file = new h5.File(path, 'r');
  } catch (e) {
    throw h5Error(path, 'not a readable HDF5 file', e);
  }
  try {
    return await readOpenFile(h5, file, path);
  } catch (e) {
    throw e instanceof GrainError ? e : h5Error(path, 'HDF5 read failed', e);
  } finally {
    file.close();
  }
}

async function readOpenFile(h5: H5Module, file: H5.File, path: string): Promise<ActivationMatrix> {
  const fail = (what: string) => new GrainError(what, { file: path });
  const keys = file.keys();
  const count = keys.filter((k) => /^(0|[1-9]\d*)$/.test(k)).length;
  if (count === 0) throw fail('no sentence datasets ("0", "1", ...): not a NeuroX activations file');
  const dataset = (name: string): H5.Dataset | undefined => {
    const d = keys.includes(name) ? file.get(name) : null;
    return d instanceof h5.Dataset ? d : undefined;
  };
  const tokensOf = keys.includes('grain_tokens')
    ? grainTokens(readJsonString(dataset('grain_tokens'), 'grain_tokens', fail), count, fail)
    : tokensFromSentenceMap(readJsonString(dataset('sentence_to_index'), 'sentence_to_index', fail), count, fail);

  const sink = new MemorySink();
  let shape: { layers: number; hidden: number } | undefined;
  for (let i = 0; i < count; i++) {
    const d = dataset(String(i));
    if (!d) throw fail(`sentence dataset "${i}" is missing (found ${count} sentence datasets, so "0".."${count - 1}" are expected)`);
    const dims = d.shape;
    if (!dims || dims.length !== 3) throw fail(`dataset "${i}" has shape ${JSON.stringify(dims)}, expected [layers, words, hidden]`);
    const [layers, words, hidden] = dims;
    if (!shape) {
      shape = { layers, hidden };
      const stored = keys.includes('grain_sites') ? readJsonString(dataset('grain_sites'), 'grain_sites', fail) : undefined;
      await sink.begin(sitesFor(stored, layers, hidden, path));
    } else if (layers !== shape.layers || hidden !== shape.hidden) {
      throw fail(`dataset "${i}" has ${layers} layers x ${hidden} units, but dataset "0" has ${shape.layers} x ${shape.hidden}`);
    }
    const tokens = tokensOf(i, words);
    const meta = d.metadata;
    if (meta.type !== H5T_FLOAT || (meta.size !== 2 && meta.size !== 4 && meta.size !== 8)) {
      throw fail(`dataset "${i}" is of type ${d.dtype}, expected float32 (or float16, float64)`);
    }
    const cube = meta.size === 2 ? await readFloat16(h5, d) : (d.value as Float32Array | Float64Array);
    const rows = new Float32Array(cube.length);
    for (let w = 0; w < words; w++) {
      for (let l = 0; l < layers; l++) {
        const from = (l * words + w) * hidden;
        const to = (w * layers + l) * hidden;
        for (let k = 0; k < hidden; k++) rows[to + k] = cube[from + k];
      }
    }
    sink.appendRows(tokens, rows);
    sink.endSentence();
  }
  return sink.result();
}

/**
 * A float16 dataset (NeuroX's dtype float16), which h5wasm's `value` does not decode: its raw
 * little-endian bits, read through the library's own call, decoded exactly to float32.
 */
async function readFloat16(h5: H5Module, d: H5.Dataset): Promise<Float32Array> {
  const module = await h5.ready;
  const count = Number(d.metadata.total_size);
  const bytes = count * 2;
  const ptr = module._malloc(Math.max(bytes, 2));
  try {
    module.get_dataset_data(d.file_id, d.path, null, null, null, BigInt(ptr));
    const bits = new Uint16Array(module.HEAPU8.slice(ptr, ptr + bytes).buffer);
    const out = new Float32Array(count);
    decodeFloat16(bits, out);
    return out;
  } finally {
    module._free(ptr);
  }
}

function readJsonString(d: H5.Dataset | undefined, name: string, fail: (what: string) => GrainError): unknown {
  if (!d) throw fail(`no "${name}" dataset`);
  const value = d.value as unknown;
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string') throw fail(`"${name}" does not hold a JSON string`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw fail(`"${name}" is not valid JSON: ${(e as Error).message}`);
  }
}

/** The tokens of sentence i, whose dataset holds `words` words. */
type TokensOf = (i: number, words: number) => string[];

function grainTokens(value: unknown, count: number, fail: (what: string) => GrainError): TokensOf {
  const ok = Array.isArray(value) && value.every((s) => Array.isArray(s) && s.every((t) => typeof t === 'string'));
  if (!ok) throw fail('"grain_tokens" is not a list of token lists');
  if (value.length !== count) throw fail(`"grain_tokens" lists ${value.length} sentences, but there are ${count} sentence datasets`);
  const tokens = value as string[][];
  return (i, words) => {
    if (words !== tokens[i].length) throw fail(`dataset "${i}" holds ${words} words but "grain_tokens" gives sentence ${i} ${tokens[i].length} tokens`);
    return tokens[i];
  };
}

const OCCURRENCE = / \(Occurrence ([2-9]|[1-9]\d+)\)$/;

/**
 * Tokens from the keys of "sentence_to_index": a key is the sentence's tokens joined by spaces,
 * or, for a repeated text, that plus " (Occurrence k)". Which one a key is follows from the
 * dataset's word count (the two readings differ by two words) and from the writer's rule: the
 * text itself and its occurrences 2..k-1 are keys too.
 */
function tokensFromSentenceMap(value: unknown, count: number, fail: (what: string) => GrainError): TokensOf {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail('"sentence_to_index" is not a JSON object');
  const map = value as Record<string, unknown>;
  const byIndex: (string | undefined)[] = new Array(count);
  for (const [text, index] of Object.entries(map)) {
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0 || i >= count || String(index) !== String(i)) {
      throw fail(`"sentence_to_index" maps "${text}" to ${JSON.stringify(index)}, which is not a sentence dataset`);
    }
    if (byIndex[i] !== undefined) throw fail(`"sentence_to_index" maps both "${byIndex[i]}" and "${text}" to sentence ${i}`);
    byIndex[i] = text;
  }
  const split = (text: string) => (text === '' ? [] : text.split(' '));
  return (i, words) => {
    const key = byIndex[i];
    if (key === undefined) {
      throw fail(
        `sentence ${i} has no entry in "sentence_to_index", so its words cannot be recovered ` +
          '(a writer that keeps one entry per distinct text, as NeuroX did before its "(Occurrence k)" keys, loses repeated sentences)',
      );
    }
    const whole = split(key);
    if (whole.length === words) return whole;
    const m = OCCURRENCE.exec(key);
    if (m) {
      const text = key.slice(0, m.index);
      const k = Number(m[1]);
      const earlier = Array.from({ length: k - 1 }, (_, j) => (j === 0 ? text : `${text} (Occurrence ${j + 1})`));
      const base = split(text);
      if (base.length === words && earlier.every((e) => Object.hasOwn(map, e))) return base;
    }
    throw fail(`dataset "${i}" holds ${words} words but sentence ${i} ("${key}" in "sentence_to_index") has ${whole.length} tokens`);
  };
}

function sitesFor(stored: unknown, layers: number, hidden: number, path: string): SiteInfo[] {
  if (stored === undefined) return neuroxSites(layers, hidden);
  checkSites(stored, path);
  if (stored.length !== layers || stored.some((s) => s.width !== hidden)) {
    throw new GrainError(`"grain_sites" describes ${stored.length} sites, but the data has ${layers} layers of ${hidden}`, { file: path });
  }
  return stored;
}
