import { ort } from '../runtime/ort';
import { cpus } from 'node:os';
import type { SiteInfo } from '../activations';
import { GrainError } from '../errors';
import {
  addMaskInputs,
  addOutputs,
  detectLayout,
  findSites,
  modelInputs,
  readAnalysisModel,
  readGrainConfig,
  type SiteSelection,
  type TensorLayout,
} from '../onnx';
import { loadTokenizer, type ModelTokenizer } from '../tokenize';
import { buildFeeds, planFeeds } from '../runtime/feeds';
import { resolveModelPath } from '../runtime/model-path';
import { createSession } from '../runtime/session';
import { checkTokenIdsFit } from '../runtime/vocabulary';

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


function logitsName(outputs: readonly string[], modelPath: string): string {
  if (outputs.includes('logits')) return 'logits';
  if (outputs.length === 1) return outputs[0];
  throw new GrainError(
    `the model has several outputs (${outputs.join(', ')}) and none is named 'logits'; ablation needs the LM's logits`,
    { file: modelPath },
  );
}




export async function openAblationSession(dirOrFile: string, opts: AblationSessionOptions = {}): Promise<AblationSession> {
  const { dir, modelPath } = resolveModelPath(dirOrFile);
  const tokenizer = loadTokenizer(dir);
  const proto = readAnalysisModel(modelPath).model;
  const found = findSites(proto, { sites: opts.sites ?? 'layers', explicit: readGrainConfig(dir), source: modelPath });
  const plan = planFeeds(modelInputs(proto), modelPath);
  checkTokenIdsFit(proto, plan, tokenizer, modelPath);
  const logits = logitsName(proto.graph.output.map((o) => o.name ?? ''), modelPath);
  const threads = Math.max(1, opts.threads ?? cpus().length);
  // Without a pad token any valid id serves: padded positions come after the real ones and
  // are never scored.
  const padId = tokenizer.padId ?? tokenizer.eosId ?? 0;
  const feeds = (batch: readonly Int32Array[]): BatchFeeds => {
    const seq = batch.reduce((m, ids) => Math.max(m, ids.length), 0);
    return { size: batch.length, seq, feeds: buildFeeds(plan, batch, seq, padId) };
  };

  // Probe on an unmasked copy: site widths and the logits layout come from a real run
  // (batch 2 != length 3, so the axes cannot be confused), never from names.
  const sample = tokenizer.encodeWords(['the', 'of', 'and', 'to', 'a']).ids;
  if (sample.length < 4) throw new GrainError('cannot build a probe input from the tokenizer', { file: dir });
  const probeRows = [sample.slice(0, 3), Int32Array.from([sample[0], sample[1], sample[3]])];
  const probe = await createSession(proto, addOutputs(proto, found.map((s) => s.tensor)), { threads });
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
    proto,
    addMaskInputs(proto, sites.map((s, i) => ({ tensor: s.tensor!, width: s.width, maskName: maskNames[i] }))),
    { threads },
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
