/**
 * What `grain inspect --json` prints and the inspect job returns: a model folder's layout and
 * variants, its tokenizer, its graph's inputs and outputs and how Grain feeds them, the sites Grain
 * found and how, and what is missing. The Models view draws it. Versioned: a reader checks
 * `schema` and `version` before trusting the fields.
 */
import type { FolderLayout, ModelFolderFacts, Precision } from '../core/model/folder';

export const INSPECT_SCHEMA = 'grain.inspect';
export const INSPECT_VERSION = 1;

/** A part that could not be read: the message says what and where (file, line). */
export interface Failed {
  error: string;
}

export interface InspectVariant {
  name: string;
  relative: string;
  bytes: number;
  precision: Precision;
  isDefault: boolean;
  chosen: boolean;
  externalData: string[];
}

export interface InspectTokenizer {
  file: string;
  /** WordLevel, BPE, WordPiece, Unigram. */
  type: string;
  vocabSize: number;
  /** tokenizer_config.json model_max_length; null when it states none. */
  maxLength: number | null;
  /** Role tokens Grain uses (pad, bos, eos, unk, mask, cls, sep) with their ids. */
  special: { role: string; token: string; id: number | null }[];
  /** The special tokens put around every sentence, e.g. [CLS] ... [SEP]. */
  template: { prefix: string[]; suffix: string[] };
}

export interface InspectInput {
  name: string;
  type: string;
  dims: (number | string | null)[];
  role: string;
  /** How Grain fills it; null when it cannot. */
  feed: string | null;
  /** Why Grain cannot feed it. */
  problem?: string;
}

export interface InspectOutput {
  name: string;
  type: string;
  dims: (number | string | null)[];
}

export interface InspectGraph {
  file: string;
  /** The .onnx file plus its external weight files. */
  bytes: number;
  irVersion: number | null;
  opsets: string[];
  producer: string | null;
  /** Elements of every initializer: the model's parameter count as stored. */
  parameters: number;
  externalData: string[];
  /** What was changed to analyse the graph (e.g. a merged decoder's no-past branch inlined); the file is never changed. */
  notes: string[];
  inputs: InspectInput[];
  outputs: InspectOutput[];
  /** Whether Grain can feed every input (planFeeds accepted the graph). */
  feedable: boolean;
}

export interface InspectSite {
  name: string;
  kind: string;
  tensor: string;
  layer: number;
  /** From the probe run; absent when the model could not be run. */
  width?: number;
  /** bsh = [batch, seq, units]; sbh = [seq, batch, units] (recurrent exports). */
  layout?: 'bsh' | 'sbh';
}

export interface InspectSites {
  /** explicit (grain.json), node-scopes, ... as detectSites reports it. */
  method: string;
  detail: string;
  boundaries: InspectSite[];
  /** MLP activation sites of transformer blocks, or why there are none. */
  mlp: InspectSite[] | Failed;
}

export interface InspectRun {
  /** Right padding leaves the real positions' activations unchanged (batches may mix lengths). */
  padSafe: boolean;
  /** Neurons at the sites run (boundaries, plus MLP when found). */
  neurons: number;
  seconds: number;
}

export interface InspectObjective {
  /** What ablation would measure, as the ablation code decides it (causal-lm, masked-lm, ...); null when it cannot run. */
  ablation: string | null;
  /** Why ablation cannot run, or how the objective was found. */
  note: string;
  /** Outputs whose last axis could be logits, against the tokenizer's vocabulary. */
  outputs: { name: string; width: number | string | null; vocabSize: number | null; matchesVocab: boolean }[];
}

export interface InspectReport {
  schema: typeof INSPECT_SCHEMA;
  version: typeof INSPECT_VERSION;
  grain: string;
  /** The path as given. */
  model: string;
  folder: {
    dir: string;
    layout: FolderLayout;
    variants: InspectVariant[];
    defaultVariant: string | null;
    chosen: string | null;
    modelPath: string | null;
    files: ModelFolderFacts['files'];
  };
  config: Pick<ModelFolderFacts, 'source' | 'kind' | 'architectures' | 'hiddenSize' | 'layers' | 'layerBoundaries' | 'vocabSize' | 'maxPositions' | 'parameters'>;
  tokenizer: InspectTokenizer | Failed;
  /** Absent when no variant could be chosen. */
  graph?: InspectGraph | Failed;
  sites?: InspectSites | Failed;
  run?: InspectRun | Failed;
  objective?: InspectObjective;
  /** What a model folder usually has that this one lacks, and what that costs. */
  missing: string[];
  warnings: string[];
  /** What stops Grain from using the model as it is. */
  problems: string[];
  usable: boolean;
}

export function failed(x: unknown): x is Failed {
  return typeof x === 'object' && x !== null && typeof (x as Failed).error === 'string';
}
