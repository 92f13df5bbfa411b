import { ort } from '../runtime/ort';
import { GrainError } from '../errors';
import type { SiteInfo } from '../activations';
import { addFloat32Outputs, detectLayout, detectSites, modelInputs, readAnalysisModel, readGrainConfig, type LayoutKind, type SiteDetection, type SiteSelection } from '../onnx';
import { loadTokenizer, type ModelTokenizer } from '../tokenize';
import { buildFeeds, planFeeds } from '../runtime/feeds';
import { resolveModelPath } from '../runtime/model-path';
import { createSession } from '../runtime/session';
import { checkTokenIdsFit } from '../runtime/vocabulary';
import type { SiteReader } from './aggregate';
import { selectSites, type LayerFilter } from './layer-filter';
import { ThreadedSession, type PlainTensor } from './session-thread';

export interface LoadOptions {
  sites: SiteSelection;
  threads: number;
  /** NeuroX's filter_layers / include_embeddings over the sites found: only these are read, in this order. */
  layers?: LayerFilter;
  /**
   * Run the session on a thread of its own, so the extractor could aggregate and write one batch
   * while the next runs (see session-thread.ts). Only the bench asks for it: its gain is not shown
   * on a busy machine, and a signal during a run could end the process before its exit code was
   * set (the thread is unref'd between calls), so jobs keep the session on their own thread.
   */
  ownThread?: boolean;
}

/** The part of a session the extraction uses, on this thread or on the session's own. */
interface RunSession {
  run(feeds: Record<string, PlainTensor>, outputs: string[]): Promise<Record<string, PlainTensor>>;
  release(): Promise<void>;
}

async function openSession(proto: Parameters<typeof createSession>[0], bytes: Uint8Array, opts: LoadOptions): Promise<RunSession> {
  if (opts.ownThread) return ThreadedSession.create(proto, bytes, { threads: opts.threads });
  const session = await createSession(proto, bytes, { threads: opts.threads });
  return {
    async run(feeds, outputs) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, f] of Object.entries(feeds)) tensors[name] = new ort.Tensor(f.type as 'float32', f.data as Float32Array, f.dims);
      const out = await session.run(tensors, outputs);
      const plain: Record<string, PlainTensor> = {};
      for (const name of outputs) plain[name] = { type: out[name].type, dims: out[name].dims, data: out[name].data as Float32Array };
      return plain;
    },
    release: () => session.release(),
  };
}

/** A model opened for extraction: one session whose outputs include every chosen site. */
export interface ExtractionModel {
  dir: string;
  modelPath: string;
  tokenizer: ModelTokenizer;
  /** How the sites were found. */
  detection: SiteDetection;
  /** What was changed to make the graph analysable (e.g. a merged decoder's branch inlined). */
  notes: string[];
  sites: SiteInfo[];
  /** Each site's layer index as NeuroX numbers it (its per-layer file's name: `out-layer{k}.hdf5`). */
  neuroxIndex: number[];
  /** How each site's tensor is laid out (parallel to `sites`), as the probe run found it. */
  siteLayouts: LayoutKind[];
  neurons: number;
  /** True when right padding leaves the real positions' activations unchanged. */
  padSafe: boolean;
  /** Longest id sequence the model accepts (learned positions), if known. */
  maxLength?: number;
  run(batch: Int32Array[]): Promise<SiteReader[]>;
  /** The same forward pass without reading anything back: the bench's baseline. */
  runBare(batch: Int32Array[]): Promise<void>;
  close(): Promise<void>;
}

interface Layout {
  kind: LayoutKind;
  /** Output dims -> strides of batch row and position, for a run of `batch` x `seq`. */
  strides(dims: readonly number[], batch: number, seq: number): { batchStride: number; positionStride: number };
  width: number;
}

export async function openExtractionModel(dirOrFile: string, opts: LoadOptions): Promise<ExtractionModel> {
  const { dir, modelPath } = resolveModelPath(dirOrFile);
  const tokenizer = loadTokenizer(dir);
  const { model: proto, notes } = readAnalysisModel(modelPath);
  const explicit = readGrainConfig(dir);
  const detection = detectSites(proto, { sites: opts.sites, explicit, source: modelPath });
  const selected = selectSites(detection.sites, opts.layers, modelPath);
  const found = selected.map((s) => s.site);
  const feedPlan = planFeeds(modelInputs(proto), modelPath);
  checkTokenIdsFit(proto, feedPlan, tokenizer, modelPath);
  // float16 sites are read through a Cast to float32 (outputNames[i] holds site i).
  const { bytes, names: outputNames } = addFloat32Outputs(proto, found.map((s) => s.tensor));
  const session = await openSession(proto, bytes, opts);
  // Without a pad token any valid id serves: padded positions come after the real ones, and
  // probePadding below checks that they leave the real positions unchanged.
  const padId = tokenizer.padId ?? tokenizer.eosId ?? 0;
  const runRaw = async (batch: Int32Array[]): Promise<{ out: Record<string, PlainTensor>; seq: number }> => {
    const seq = batch.reduce((m, ids) => Math.max(m, ids.length), 0);
    const feeds: Record<string, PlainTensor> = {};
    for (const [name, t] of Object.entries(buildFeeds(feedPlan, batch, seq, padId))) feeds[name] = { type: t.type, dims: t.dims, data: t.data as ArrayBufferView };
    try {
      return { out: await session.run(feeds, outputNames), seq };
    } catch (e) {
      throw new GrainError(`onnxruntime failed while running the model on a batch of ${batch.length} x ${seq} tokens: ${(e as Error).message}`, { file: modelPath });
    }
  };

  const probeIds = dummyIds(tokenizer);
  const layouts = await probeLayouts(runRaw, outputNames, probeIds, modelPath);
  const sites: SiteInfo[] = found.map((s, i) => ({ name: s.name, kind: s.kind, width: layouts[i].width, tensor: s.tensor }));
  const columns: number[] = [];
  let neurons = 0;
  for (const s of sites) {
    columns.push(neurons);
    neurons += s.width;
  }
  const padSafe = await probePadding(runRaw, outputNames, layouts, probeIds);

  return {
    dir,
    modelPath,
    tokenizer,
    detection,
    notes,
    sites,
    neuroxIndex: selected.map((s) => s.neuroxIndex),
    siteLayouts: layouts.map((l) => l.kind),
    neurons,
    padSafe,
    maxLength: tokenizer.maxLength,
    async run(batch) {
      const { out, seq } = await runRaw(batch);
      return outputNames.map((name, i) => {
        const t = out[name];
        const { batchStride, positionStride } = layouts[i].strides(t.dims, batch.length, seq);
        return { data: t.data as Float32Array, batchStride, positionStride, width: layouts[i].width, column: columns[i] };
      });
    },
    async runBare(batch) {
      await runRaw(batch);
    },
    async close() {
      await session.release();
    },
  };
}

/** Ids of a few ordinary tokens, for probe runs: any valid ids do. */
function dummyIds(tokenizer: ModelTokenizer): Int32Array {
  const enc = tokenizer.encodeWords(['the', 'of', 'and', 'to', 'a']);
  return enc.ids;
}

/** Layout from a run whose batch (2) differs from its length, never from tensor names. */
async function probeLayouts(
  runRaw: (b: Int32Array[]) => Promise<{ out: Record<string, PlainTensor>; seq: number }>,
  names: string[],
  ids: Int32Array,
  modelPath: string,
): Promise<Layout[]> {
  const seq = Math.min(3, ids.length);
  const row = ids.subarray(0, seq);
  const { out } = await runRaw([row, row]);
  return names.map((name) => {
    const t = out[name];
    if (t.type !== 'float32') {
      throw new GrainError(`site tensor '${name}' is ${t.type}, not float32`, { file: modelPath });
    }
    const found = detectLayout(t.dims, 2, seq, undefined, name);
    return {
      kind: found.layout,
      width: found.width,
      strides: (dims, batch, len) => {
        const again = detectLayout(dims, batch, len, found.layout, name);
        return { batchStride: again.batchStride, positionStride: again.positionStride };
      },
    };
  });
}

/**
 * Whether right padding changes the real positions: compare a sequence run alone with the
 * same sequence padded. Causal models and models with an attention mask pass; a bidirectional
 * model without a mask does not, and then only equal-length sentences share a batch.
 */
async function probePadding(
  runRaw: (b: Int32Array[]) => Promise<{ out: Record<string, PlainTensor>; seq: number }>,
  names: string[],
  layouts: Layout[],
  ids: Int32Array,
): Promise<boolean> {
  const short = ids.subarray(0, Math.max(1, ids.length - 2));
  const alone = await runRaw([short]);
  const padded = await runRaw([short, ids]);
  for (let i = 0; i < names.length; i++) {
    const a = alone.out[names[i]];
    const b = padded.out[names[i]];
    const sa = layouts[i].strides(a.dims, 1, alone.seq);
    const sb = layouts[i].strides(b.dims, 2, padded.seq);
    const da = a.data as Float32Array;
    const db = b.data as Float32Array;
    for (let p = 0; p < short.length; p++) {
      for (let u = 0; u < layouts[i].width; u++) {
        const x = da[p * sa.positionStride + u];
        const y = db[p * sb.positionStride + u];
        if (Math.abs(x - y) > 1e-4 * (1 + Math.abs(x))) return false;
      }
    }
  }
  return true;
}
