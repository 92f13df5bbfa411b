import { open, rename, type FileHandle } from 'node:fs/promises';
import { ActivationMatrix, SiteInfo } from '../activations';
import { GrainError } from '../errors';
import { siblingTemp, type Temporary } from '../io/temp';
import { readRawLines } from '../text/line-stream';
import { decodeUtf8Strict, stripBom } from '../text/utf8';
import { formatFloat32 } from './float-text';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16';
import { MemorySink } from './memory-sink';
import type { ActivationSink } from './sink';
import { neuroxSites, requireEqualWidths } from './sites';

/**
 * NeuroX's JSON-lines activations, one sentence per line:
 *   {"linex_index": i, "features": [{"token": w, "layers": [{"index": l, "values": [...]}, ...]}, ...]}
 * Layer l is sites[l]; all layers have one width. Values are written as the shortest text
 * that reads back to the identical float32; with `float16` (NeuroX's dtype float16), each value
 * is first rounded to the nearest float16, so the file reads back as exactly those values.
 */

// Text is handed to the file in pieces of about this many characters: a 768-wide, 13-layer
// file is hundreds of MB, never one string.
const FLUSH_CHARS = 1 << 20;

export class NeuroxJsonWriter implements ActivationSink {
  private handle: FileHandle | undefined;
  private readonly temp: Temporary;
  private layers = 0;
  private width = 0;
  private sentence = 0;
  /** Tokens of the current sentence written so far, and whether its line is begun. */
  private token = 0;
  private lineOpen = false;
  private parts: string[] = [];
  private partChars = 0;

  constructor(
    readonly path: string,
    private readonly float16 = false,
  ) {
    this.temp = siblingTemp(path);
  }

  async begin(sites: SiteInfo[]): Promise<void> {
    this.width = requireEqualWidths(sites, this.path, 'NeuroX JSON');
    this.layers = sites.length;
    try {
      this.handle = await open(this.temp.path, 'wx');
    } catch (e) {
      throw new GrainError(`cannot write: ${(e as Error).message}`, { file: this.path });
    }
  }

  async appendRows(tokens: string[], rows: Float32Array): Promise<void> {
    if (!this.handle) throw new Error('NeuroxJsonWriter: appendRows outside begin/close');
    const neurons = this.layers * this.width;
    if (rows.length !== tokens.length * neurons) {
      throw new Error(`appendRows: ${rows.length} values for ${tokens.length} tokens x ${neurons} neurons`);
    }
    this.startLine();
    for (let t = 0; t < tokens.length; t++) {
      this.push(`${this.token > 0 ? ', ' : ''}{"token": ${JSON.stringify(tokens[t])}, "layers": [`);
      for (let l = 0; l < this.layers; l++) {
        const values = rows.subarray(t * neurons + l * this.width, t * neurons + (l + 1) * this.width);
        this.push(`${l > 0 ? ', ' : ''}{"index": ${l}, "values": [${this.formatValues(values, this.token)}]}`);
      }
      this.push(']}');
      this.token++;
      if (this.partChars >= FLUSH_CHARS) await this.flush();
    }
  }

  async endSentence(): Promise<void> {
    if (!this.handle) throw new Error('NeuroxJsonWriter: endSentence outside begin/close');
    this.startLine();
    this.push(']}\n');
    this.sentence++;
    this.token = 0;
    this.lineOpen = false;
    if (this.partChars >= FLUSH_CHARS) await this.flush();
  }

  async close(): Promise<void> {
    if (!this.handle) throw new Error('NeuroxJsonWriter: close outside begin');
    try {
      await this.flush();
      await this.handle.sync();
      await this.handle.close();
      this.handle = undefined;
      await rename(this.temp.path, this.path);
      this.temp.keep();
    } catch (e) {
      await this.abort();
      throw new GrainError(`cannot write: ${(e as Error).message}`, { file: this.path });
    }
  }

  async abort(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.parts = [];
    await handle?.close().catch(() => undefined);
    this.temp.dispose();
  }

  private formatValues(values: Float32Array, token: number): string {
    const out = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = this.float16 ? float16BitsToFloat32(float32ToFloat16Bits(values[i])) : values[i];
      if (this.float16 && !Number.isFinite(v) && Number.isFinite(values[i])) {
        throw new GrainError(`activation ${values[i]} (sentence ${this.sentence}, token ${token}) is beyond float16's range (65504); write float32`, { file: this.path });
      }
      if (!Number.isFinite(v)) {
        throw new GrainError(
          `activation ${v} (sentence ${this.sentence}, token ${token}) cannot be written as JSON; use --format grain`,
          { file: this.path },
        );
      }
      out[i] = formatFloat32(v);
    }
    return out.join(', ');
  }

  private startLine(): void {
    if (this.lineOpen) return;
    this.push(`{"linex_index": ${this.sentence}, "features": [`);
    this.lineOpen = true;
  }

  private push(s: string): void {
    this.parts.push(s);
    this.partChars += s.length;
  }

  private async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.partChars = 0;
    // Awaiting each write is the backpressure: at most one piece is in memory at a time.
    await this.handle!.write(text);
  }
}

/**
 * Reads a NeuroX JSON-lines file line by line into memory. Every line is checked: an error
 * names the file and line (missing keys, layer count or width that differs from the first
 * token, non-numeric values, NaN/Infinity).
 */
export async function readNeuroxJson(path: string, signal?: AbortSignal): Promise<ActivationMatrix> {
  const sink = new MemorySink();
  let shape: { layers: number; width: number } | undefined;
  let sentence = 0;
  let pendingEmpty = 0;
  let blankLine: number | undefined;
  for await (const raw of readRawLines(path, signal)) {
    const bytes = raw.line === 1 ? stripBom(raw.bytes) : raw.bytes;
    const skipped = raw.bytes.length - bytes.length;
    const text = decodeUtf8Strict(bytes, path, { line: raw.line, byteOffset: raw.byteOffset + skipped, column: skipped });
    if (text.trim() === '') {
      blankLine ??= raw.line;
      continue;
    }
    const fail = (what: string) => new GrainError(what, { file: path, line: raw.line });
    if (blankLine !== undefined) throw new GrainError('blank line inside the file', { file: path, line: blankLine });
    const record = parseLine(text, fail);
    if (record.linex_index !== sentence) {
      throw fail(`"linex_index" is ${JSON.stringify(record.linex_index)}, expected ${sentence} (lines must be in sentence order)`);
    }
    const features = record.features;
    if (!Array.isArray(features)) throw fail('missing "features" list');
    if (!shape && features.length > 0) {
      shape = shapeOf(features[0], fail);
      await sink.begin(neuroxSites(shape.layers, shape.width));
      for (; pendingEmpty > 0; pendingEmpty--) sink.endSentence();
    }
    if (!shape) {
      pendingEmpty++;
    } else {
      const { tokens, rows } = readFeatures(features, shape, fail);
      sink.appendRows(tokens, rows);
      sink.endSentence();
    }
    sentence++;
  }
  if (!shape) throw new GrainError(sentence === 0 ? 'no sentences: the file is empty' : 'no tokens in any sentence', { file: path });
  return sink.result();
}

function parseLine(text: string, fail: (what: string) => GrainError): { linex_index?: unknown; features?: unknown } {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (e) {
    if (/\b(NaN|-?Infinity)\b/.test(text)) throw fail('holds NaN or Infinity, which are not activations');
    throw fail(`not valid JSON: ${(e as Error).message}`);
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw fail('line is not a JSON object');
  return record as { linex_index?: unknown; features?: unknown };
}

interface Feature {
  token?: unknown;
  layers?: unknown;
}

function shapeOf(feature: Feature, fail: (what: string) => GrainError): { layers: number; width: number } {
  const layers = feature?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw fail('token 0 has no "layers" list');
  const values = (layers[0] as { values?: unknown })?.values;
  if (!Array.isArray(values) || values.length === 0) throw fail('token 0, layer 0 has no "values" list');
  return { layers: layers.length, width: values.length };
}

function readFeatures(
  features: Feature[],
  shape: { layers: number; width: number },
  fail: (what: string) => GrainError,
): { tokens: string[]; rows: Float32Array } {
  const neurons = shape.layers * shape.width;
  const tokens: string[] = [];
  const rows = new Float32Array(features.length * neurons);
  features.forEach((feature, t) => {
    if (feature === null || typeof feature !== 'object') throw fail(`token ${t} is not an object`);
    if (typeof feature.token !== 'string') throw fail(`token ${t} has no "token" string`);
    tokens.push(feature.token);
    const layers = feature.layers;
    if (!Array.isArray(layers)) throw fail(`token ${t} has no "layers" list`);
    if (layers.length !== shape.layers) throw fail(`token ${t} has ${layers.length} layers, expected ${shape.layers} (as in the first token)`);
    layers.forEach((layer: { index?: unknown; values?: unknown }, l) => {
      if (layer?.index !== l) throw fail(`token ${t}: layer at position ${l} has "index" ${JSON.stringify(layer?.index)}, expected ${l}`);
      const values = layer.values;
      if (!Array.isArray(values)) throw fail(`token ${t}, layer ${l} has no "values" list`);
      if (values.length !== shape.width) throw fail(`token ${t}, layer ${l} has ${values.length} values, expected ${shape.width} (as in the first token)`);
      const base = t * neurons + l * shape.width;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw fail(`token ${t}, layer ${l}, value ${i} is ${JSON.stringify(v)}, not a number`);
        const f = Math.fround(v);
        if (!Number.isFinite(f)) throw fail(`token ${t}, layer ${l}, value ${i} (${v}) is beyond float32 range`);
        rows[base + i] = f;
      }
    });
  });
  return { tokens, rows };
}
