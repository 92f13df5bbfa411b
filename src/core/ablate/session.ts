import * as ort from 'onnxruntime-node';
import { cpus } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SiteInfo } from '../activations';
import { GrainError } from '../errors';
import {
  addMaskInputs,
  addOutputs,
  detectLayout,
  findSites,
  modelInputs,
  readGrainConfig,
  readOnnxModel,
  type ModelInput,
  type SiteSelection,
  type TensorLayout,
} from '../onnx';
import { loadTokenizer, type ModelTokenizer } from '../tokenize';

/** Causal: predict each next token. Masked: predict tokens replaced by the mask token. */
export type LmObjective = 'causal' | 'masked';

export interface AblationSessionOptions {
  /** Which sites can be ablated; neuron ids count over these sites in order (default 'layers'). */
  sites?: SiteSelection;
  threads?: number;
  /** Default: found by a probe (does changing a later token change an earlier position's logits?). */
  objective?: LmObjective;
}

/** A batch of padded inputs, built once and reused by every run. */
export interface BatchFeeds {
  size: number;
  seq: number;
  feeds: Record<string, ort.Tensor>;
}

export interface BatchLogits {
  data: Float32Array;
  batchStride: number;
  positionStride: number;
  vocab: number;
}

/**
 * One onnxruntime session over a model whose every site tensor is multiplied by a mask input
 * (see addMaskInputs): each run feeds its masks, so a single session serves every ablation.
 */
export interface AblationSession {
  dir: string;
  modelPath: string;
  tokenizer: ModelTokenizer;
  sites: SiteInfo[];
  neurons: number;
  objective: LmObjective;
  /** Padded feeds for id sequences (right padding, attention_mask 0 on padding when the model takes one). */
  feeds(batch: readonly Int32Array[]): BatchFeeds;
  /** Logits of one batch with the given per-site masks (1 keeps a unit, 0 zeroes it). */
  run(batch: BatchFeeds, masks: readonly Float32Array[]): Promise<BatchLogits>;
  close(): Promise<void>;
}

function resolveModel(dirOrFile: string): { dir: string; modelPath: string } {
  const abs = resolve(dirOrFile);
  if (!existsSync(abs)) throw new GrainError('no such model folder or file', { file: abs });
  if (statSync(abs).isFile()) return { dir: resolve(abs, '..'), modelPath: abs };
  const modelPath = join(abs, 'model.onnx');
  if (!existsSync(modelPath)) throw new GrainError('this folder has no model.onnx', { file: abs });
  return { dir: abs, modelPath };
}

function logitsName(outputs: readonly string[], modelPath: string): string {
  if (outputs.includes('logits')) return 'logits';
  if (outputs.length === 1) return outputs[0];
  throw new GrainError(
    `the model has several outputs (${outputs.join(', ')}) and none is named 'logits'; ablation needs the LM's logits`,
    { file: modelPath },
  );
}

function planInputs(inputs: ModelInput[], modelPath: string): ModelInput[] {
  const other = inputs.filter((i) => i.role === 'other');
  if (other.length > 0) {
    throw new GrainError(`the model takes input(s) Grain cannot fill: ${other.map((i) => i.name).join(', ')}`, { file: modelPath });
  }
  if (!inputs.some((i) => i.role === 'input_ids')) throw new GrainError(`the model has no input_ids input`, { file: modelPath });
  for (const i of inputs) {
    if (i.type !== 'int64' && i.type !== 'int32') {
      throw new GrainError(`input '${i.name}' is ${i.type}; Grain feeds it as int64 or int32`, { file: modelPath });
    }
  }
  return inputs;
}

function buildFeeds(inputs: ModelInput[], batch: readonly Int32Array[], padId: number): BatchFeeds {
  const size = batch.length;
  const seq = batch.reduce((m, ids) => Math.max(m, ids.length), 0);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const values = new Int32Array(size * seq);
    for (let b = 0; b < size; b++) {
      const ids = batch[b];
      for (let p = 0; p < seq; p++) {
        const real = p < ids.length;
        let v = 0;
        if (input.role === 'input_ids') v = real ? ids[p] : padId;
        else if (input.role === 'attention_mask') v = real ? 1 : 0;
        else if (input.role === 'position_ids') v = p;
        values[b * seq + p] = v;
      }
    }
    feeds[input.name] =
      input.type === 'int64'
        ? new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [size, seq])
        : new ort.Tensor('int32', values, [size, seq]);
  }
  return { size, seq, feeds };
}

async function createSession(bytes: Uint8Array, threads: number, modelPath: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    throw new GrainError(`onnxruntime could not load the model: ${(e as Error).message}`, { file: modelPath });
  }
}

export async function openAblationSession(dirOrFile: string, opts: AblationSessionOptions = {}): Promise<AblationSession> {
  const { dir, modelPath } = resolveModel(dirOrFile);
  const tokenizer = loadTokenizer(dir);
  const proto = readOnnxModel(modelPath);
  const found = findSites(proto, { sites: opts.sites ?? 'layers', explicit: readGrainConfig(dir), source: modelPath });
  const inputs = planInputs(modelInputs(proto), modelPath);
  const logits = logitsName(proto.graph.output.map((o) => o.name ?? ''), modelPath);
  const threads = Math.max(1, opts.threads ?? cpus().length);
  const padId = tokenizer.padId ?? 0;
  const feeds = (batch: readonly Int32Array[]) => buildFeeds(inputs, batch, padId);

  // Probe on an unmasked copy: site widths and the logits layout come from a real run
  // (batch 2 != length 3, so the axes cannot be confused), never from names.
  const sample = tokenizer.encodeWords(['the', 'of', 'and', 'to', 'a']).ids;
  if (sample.length < 4) throw new GrainError('cannot build a probe input from the tokenizer', { file: dir });
  const probeRows = [sample.slice(0, 3), Int32Array.from([sample[0], sample[1], sample[3]])];
  const probe = await createSession(addOutputs(proto, found.map((s) => s.tensor)), threads, modelPath);
  let widths: number[];
  let logitsLayout: TensorLayout;
  let causal: boolean;
  try {
    const out = await probe.run(feeds(probeRows).feeds);
    widths = found.map((s) => detectLayout((out[s.tensor] as ort.Tensor).dims, 2, 3).width);
    const lt = out[logits] as ort.Tensor;
    logitsLayout = detectLayout(lt.dims, 2, 3);
    const data = lt.data as Float32Array;
    const st = logitStrides(lt.dims, logitsLayout, 2, 3, modelPath);
    // Position 0 of both rows saw the same token; only a bidirectional model lets the
    // differing third token reach it.
    causal = true;
    for (let v = 0; v < logitsLayout.width; v++) {
      if (Math.abs(data[v] - data[st.batch + v]) > 1e-5 * (1 + Math.abs(data[v]))) causal = false;
    }
  } finally {
    await probe.release();
  }
  const objective = opts.objective ?? (causal ? 'causal' : 'masked');
  if (objective === 'masked' && tokenizer.maskId === undefined) {
    throw new GrainError('masked-LM loss needs a mask token, but the tokenizer names none (mask_token)', { file: tokenizer.tokenizerFile });
  }

  const sites: SiteInfo[] = found.map((s, i) => ({ name: s.name, kind: s.kind, width: widths[i], tensor: s.tensor }));
  const maskNames = sites.map((s) => `grain_mask/${s.name}`);
  const session = await createSession(
    addMaskInputs(proto, sites.map((s, i) => ({ tensor: s.tensor!, width: s.width, maskName: maskNames[i] }))),
    threads,
    modelPath,
  );
  const vocab = logitsLayout.width;

  return {
    dir,
    modelPath,
    tokenizer,
    sites,
    neurons: sites.reduce((n, s) => n + s.width, 0),
    objective,
    feeds,
    async run(batch, masks) {
      if (masks.length !== sites.length) throw new RangeError(`expected ${sites.length} masks, got ${masks.length}`);
      const all: Record<string, ort.Tensor> = { ...batch.feeds };
      masks.forEach((m, i) => {
        if (m.length !== sites[i].width) throw new RangeError(`mask of ${sites[i].name} has ${m.length} units, expected ${sites[i].width}`);
        all[maskNames[i]] = new ort.Tensor('float32', m, [m.length]);
      });
      let out: ort.InferenceSession.OnnxValueMapType;
      try {
        out = await session.run(all, [logits]);
      } catch (e) {
        throw new GrainError(`onnxruntime failed on a batch of ${batch.size} x ${batch.seq} tokens: ${(e as Error).message}`, { file: modelPath });
      }
      const t = out[logits] as ort.Tensor;
      const st = logitStrides(t.dims, logitsLayout, batch.size, batch.seq, modelPath);
      return { data: t.data as Float32Array, batchStride: st.batch, positionStride: st.position, vocab };
    },
    async close() {
      await session.release();
    },
  };
}

/**
 * Strides of a run's logits in the layout the probe found ([batch, seq, vocab] or time-major,
 * axes of size 1 aside); the vocabulary is the last axis.
 */
function logitStrides(dims: readonly number[], probe: TensorLayout, batch: number, seq: number, modelPath: string): { batch: number; position: number } {
  const vocab = dims[dims.length - 1];
  const total = dims.reduce((a, b) => a * b, 1);
  if (vocab !== probe.width || total !== batch * seq * vocab) {
    throw new GrainError(`logits have dims [${dims.join(', ')}], expected ${batch} x ${seq} positions of ${probe.width}`, { file: modelPath });
  }
  return probe.layout === 'bsh' ? { batch: seq * vocab, position: vocab } : { batch: vocab, position: batch * vocab };
}
