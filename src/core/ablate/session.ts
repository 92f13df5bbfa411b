import { ort } from '../runtime/ort';
import { cpus } from 'node:os';
import type { SiteInfo } from '../activations';
import { GrainError } from '../errors';
import {
  addMaskInputs,
  addFloat32Outputs,
  decodeOnnxModel,
  detectLayout,
  findSites,
  modelInputs,
  readGrainConfig,
  readAnalysisModel,
  type ExplicitSites,
  type ModelSite,
  type OnnxModel,
  type SiteSelection,
  type TensorLayout,
} from '../onnx';
import { loadTokenizer, type ModelTokenizer } from '../tokenize';
import { buildFeeds, planFeeds } from '../runtime/feeds';
import { resolveModelPath } from '../runtime/model-path';
import { createSession } from '../runtime/session';
import { checkTokenIdsFit } from '../runtime/vocabulary';
import { chooseLogits, describeOutputs, judgeOutputs, type Objective, type OutputVerdict } from './objective';

export type { Objective } from './objective';

export interface AblationSessionOptions {
  /** Which sites can be ablated; neuron ids count over these sites in order (default 'layers'). */
  sites?: SiteSelection;
  threads?: number;
  /**
   * Default: a loss when an output is LM logits (causal or masked as a probe finds: does changing
   * a later token change an earlier position's logits?), else the representation change.
   */
  objective?: Objective;
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

/** One run's vectors at the compared site: unit u of (b, p) at data[b * batchStride + p * positionStride + u]. */
export interface BatchVectors {
  data: Float32Array;
  batchStride: number;
  positionStride: number;
  width: number;
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
  objective: Objective;
  /** Why this objective, in words: which output is the logits, or that none is. */
  objectiveReason: string;
  /** The model's outputs and whether each is LM logits. */
  outputs: OutputVerdict[];
  /** The output read as logits; null when the objective is representation. */
  logits: { name: string; width: number } | null;
  /**
   * Representation: the last layer boundary, compared with the unablated model. When it is also
   * an ablation site, zeroing its units moves it directly.
   */
  compared: SiteInfo | null;
  /** Padded feeds for id sequences (right padding, attention_mask 0 on padding when the model takes one). */
  feeds(batch: readonly Int32Array[]): BatchFeeds;
  /** Logits of one batch with the given per-site masks (1 keeps a unit, 0 zeroes it); LM objectives only. */
  run(batch: BatchFeeds, masks: readonly Float32Array[]): Promise<BatchLogits>;
  /** Vectors of the compared site for one batch with the given masks; representation only. */
  runCompared(batch: BatchFeeds, masks: readonly Float32Array[]): Promise<BatchVectors>;
  close(): Promise<void>;
}

/**
 * The last layer boundary Grain finds: the last boundary among the ablation sites, else (MLP
 * sites only) among the model's layer boundaries. An Error to throw later when there is none,
 * since only the representation objective needs it.
 */
function lastBoundary(found: readonly ModelSite[], proto: OnnxModel, explicit: ExplicitSites | undefined, modelPath: string): ModelSite | GrainError {
  const last = (sites: readonly ModelSite[]) => sites.filter((s) => s.kind === 'boundary').at(-1);
  const own = last(found);
  if (own) return own;
  const none = (why: string) =>
    new GrainError(`the representation objective compares the last layer boundary, but ${why}`, { file: explicit?.source ?? modelPath });
  if (explicit) return none('grain.json names none (boundary sites are named embeddings or layer1, layer2, ...)');
  try {
    return last(findSites(proto, { sites: 'layers', source: modelPath })) ?? none('Grain found no layer boundary in the model');
  } catch (e) {
    if (e instanceof GrainError) return none(`Grain cannot find the layer boundaries: ${e.message}`);
    throw e;
  }
}

export async function openAblationSession(dirOrFile: string, opts: AblationSessionOptions = {}): Promise<AblationSession> {
  const { dir, modelPath } = resolveModelPath(dirOrFile);
  const tokenizer = loadTokenizer(dir);
  const proto = readAnalysisModel(modelPath).model;
  const explicit = readGrainConfig(dir);
  const found = findSites(proto, { sites: opts.sites ?? 'layers', explicit, source: modelPath });
  const plan = planFeeds(modelInputs(proto), modelPath);
  checkTokenIdsFit(proto, plan, tokenizer, modelPath);
  const outputNames = proto.graph.output.map((o) => o.name ?? '');
  let boundary = lastBoundary(found, proto, explicit, modelPath);
  const threads = Math.max(1, opts.threads ?? cpus().length);
  // Without a pad token any valid id serves: padded positions come after the real ones and
  // are never scored or compared.
  const padId = tokenizer.padId ?? tokenizer.eosId ?? 0;
  const feeds = (batch: readonly Int32Array[]): BatchFeeds => {
    const seq = batch.reduce((m, ids) => Math.max(m, ids.length), 0);
    return { size: batch.length, seq, feeds: buildFeeds(plan, batch, seq, padId) };
  };

  // Probe on an unmasked copy: site widths, which output is logits and its layout come from a
  // real run (batch 2 != length 3, so the axes cannot be confused), never from declared shapes.
  const sample = tokenizer.encodeWords(['the', 'of', 'and', 'to', 'a']).ids;
  if (sample.length < 4) throw new GrainError('cannot build a probe input from the tokenizer', { file: dir });
  const probeRows = [sample.slice(0, 3), Int32Array.from([sample[0], sample[1], sample[3]])];
  const probed = [...found.map((s) => s.tensor), ...(boundary instanceof GrainError ? [] : [boundary.tensor]), ...outputNames];
  // Everything is read as float32 (fp16 exports get a Cast): `float32[t]` names what holds tensor t.
  const probeModel = addFloat32Outputs(proto, probed);
  const float32 = new Map(probed.map((t, i) => [t, probeModel.names[i]]));
  const probe = await createSession(proto, probeModel.bytes, { threads });
  let widths: number[];
  let boundaryLayout: TensorLayout | undefined;
  let verdicts: OutputVerdict[];
  let chosen: OutputVerdict | null;
  let logitsLayout: TensorLayout | undefined;
  let causal = false;
  try {
    const out = await probe.run(feeds(probeRows).feeds);
    const dimsOf = (name: string): readonly number[] => (out[float32.get(name) ?? name] as ort.Tensor | undefined)?.dims ?? [];
    widths = found.map((s) => detectLayout(dimsOf(s.tensor), 2, 3, undefined, s.tensor).width);
    if (!(boundary instanceof GrainError)) {
      try {
        boundaryLayout = detectLayout(dimsOf(boundary.tensor), 2, 3, undefined, boundary.tensor);
      } catch (e) {
        // Only the representation objective reads it: an error for later.
        if (!(e instanceof GrainError)) throw e;
        boundary = new GrainError(`the representation objective compares the last layer boundary ${boundary.name}, but ${e.message}`, { file: modelPath });
      }
    }
    verdicts = judgeOutputs(outputNames.map((name) => ({ name, dims: dimsOf(name) })), tokenizer.vocabSize, 2, 3);
    chosen = chooseLogits(verdicts, tokenizer.vocabSize, modelPath);
    if (chosen) {
      const lt = out[float32.get(chosen.name)!] as ort.Tensor;
      logitsLayout = detectLayout(lt.dims, 2, 3);
      const data = lt.data as Float32Array;
      const st = logitStrides(lt.dims, logitsLayout, 2, 3, modelPath);
      // Position 0 of both rows saw the same token; only a bidirectional model lets the
      // differing third token reach it.
      causal = true;
      for (let v = 0; v < logitsLayout.width; v++) {
        if (Math.abs(data[v] - data[st.batch + v]) > 1e-5 * (1 + Math.abs(data[v]))) causal = false;
      }
    }
  } finally {
    await probe.release();
  }

  const { objective, reason } = resolveObjective(opts.objective, chosen, causal, verdicts, tokenizer, modelPath);
  const sites: SiteInfo[] = found.map((s, i) => ({ name: s.name, kind: s.kind, width: widths[i], tensor: s.tensor }));
  let compared: SiteInfo | null = null;
  if (objective === 'representation') {
    if (boundary instanceof GrainError) throw boundary;
    compared = { name: boundary.name, kind: boundary.kind, width: boundaryLayout!.width, tensor: boundary.tensor };
  }
  const maskNames = sites.map((s) => `grain_mask/${s.name}`);
  const masks = sites.map((s, i) => ({ tensor: s.tensor!, width: s.width, maskName: maskNames[i] }));
  // The compared tensor becomes a graph output before the masks go in, so when it is itself a
  // site the output carries its masked values (addMaskInputs renames the producer's output).
  const logits = chosen && objective !== 'representation' ? { name: chosen.name, width: chosen.width } : null;
  const read = [compared?.tensor, logits?.name].filter((t): t is string => t !== undefined);
  const withOutputs = addFloat32Outputs(proto, read);
  const readName = new Map(read.map((t, i) => [t, withOutputs.names[i]]));
  const session = await createSession(proto, addMaskInputs(decodeOnnxModel(withOutputs.bytes, modelPath), masks), { threads });

  const runWith = async (batch: BatchFeeds, siteMasks: readonly Float32Array[], output: string): Promise<ort.Tensor> => {
    if (siteMasks.length !== sites.length) throw new RangeError(`expected ${sites.length} masks, got ${siteMasks.length}`);
    const all: Record<string, ort.Tensor> = { ...batch.feeds };
    siteMasks.forEach((m, i) => {
      if (m.length !== sites[i].width) throw new RangeError(`mask of ${sites[i].name} has ${m.length} units, expected ${sites[i].width}`);
      all[maskNames[i]] = new ort.Tensor('float32', m, [m.length]);
    });
    try {
      return (await session.run(all, [output]))[output] as ort.Tensor;
    } catch (e) {
      throw new GrainError(`onnxruntime failed on a batch of ${batch.size} x ${batch.seq} tokens: ${(e as Error).message}`, { file: modelPath });
    }
  };

  return {
    dir,
    modelPath,
    tokenizer,
    sites,
    neurons: sites.reduce((n, s) => n + s.width, 0),
    objective,
    objectiveReason: reason,
    outputs: verdicts,
    logits,
    compared,
    feeds,
    async run(batch, siteMasks) {
      if (!logits) throw new Error(`the ${objective} objective reads no logits`);
      const t = await runWith(batch, siteMasks, readName.get(logits.name)!);
      const st = logitStrides(t.dims, logitsLayout!, batch.size, batch.seq, modelPath);
      return { data: t.data as Float32Array, batchStride: st.batch, positionStride: st.position, vocab: logits.width };
    },
    async runCompared(batch, siteMasks) {
      if (!compared) throw new Error(`the ${objective} objective compares no site`);
      const t = await runWith(batch, siteMasks, readName.get(compared.tensor!)!);
      const l = detectLayout(t.dims, batch.size, batch.seq, boundaryLayout!.layout, compared.tensor);
      if (l.width !== compared.width) {
        throw new GrainError(`${compared.name} has ${l.width} units in a run, but ${compared.width} in the probe`, { file: modelPath });
      }
      return { data: t.data as Float32Array, batchStride: l.batchStride, positionStride: l.positionStride, width: l.width };
    },
    async close() {
      await session.release();
    },
  };
}

/**
 * The objective asked for, checked against what the model offers, or the one it supports: a loss
 * needs logits, a masked-LM loss a mask token, and the loss must fit the model's direction (a
 * bidirectional model sees the next token, a causal one cannot fill a mask from its right).
 */
function resolveObjective(
  asked: Objective | undefined,
  logits: OutputVerdict | null,
  causal: boolean,
  verdicts: OutputVerdict[],
  tokenizer: ModelTokenizer,
  modelPath: string,
): { objective: Objective; reason: string } {
  const outputs = describeOutputs(verdicts, tokenizer.vocabSize);
  const fromLogits = logits
    ? `output '${logits.name}' (width ${logits.width}) is the LM's logits over the tokenizer's ${tokenizer.vocabSize} ids`
    : '';
  const direction = causal ? 'changing a later token leaves earlier logits unchanged (causal)' : 'a later token changes earlier logits (bidirectional)';
  if (asked === 'causal' || asked === 'masked') {
    const loss = asked === 'causal' ? 'a causal-LM (next-token) loss' : 'a masked-LM loss';
    if (!logits) {
      throw new GrainError(`${loss} needs the LM's logits, but no output of the model is logits over the tokenizer's vocabulary: ${outputs}. Use the representation objective (--objective representation)`, {
        file: modelPath,
      });
    }
    if (asked === 'causal' && !causal) {
      throw new GrainError(`${loss} would be meaningless: ${fromLogits}, and ${direction}, so it sees the token it should predict; use the masked objective`, { file: modelPath });
    }
    if (asked === 'masked' && causal) {
      throw new GrainError(`${loss} would be meaningless: ${fromLogits}, and ${direction}, so it cannot see past a masked token; use the causal objective`, { file: modelPath });
    }
  }
  if (asked === 'masked' || (asked === undefined && logits && !causal)) {
    if (tokenizer.maskId === undefined) {
      if (asked === 'masked') throw new GrainError('masked-LM loss needs a mask token, but the tokenizer names none (mask_token)', { file: tokenizer.tokenizerFile });
      return { objective: 'representation', reason: `${fromLogits}, but ${direction} and the tokenizer names no mask token, so no loss can be scored` };
    }
    return { objective: 'masked', reason: `${fromLogits}; ${direction}` };
  }
  if (asked === 'causal' || (asked === undefined && logits)) return { objective: 'causal', reason: `${fromLogits}; ${direction}` };
  if (asked) return { objective: 'representation', reason: `asked for${logits ? `, although ${fromLogits}` : ''}` };
  return { objective: 'representation', reason: `none of the model's outputs is LM logits: ${outputs}` };
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
