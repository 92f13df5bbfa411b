// What a model folder says about its model without running anything: Grain's model card when
// config.json is one (the demo models), else the Hugging Face config, else what the files alone
// say. Nothing here reads the .onnx graph (that is the inspect job's work, in the worker).
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { GrainError } from '../errors';
import { isRecord, readJsonFile } from '../io/json-file';
import type { FolderLayout, ModelFolderScan, Precision } from './folder';

/** Grain's own model card (the demo models' config.json): architecture, hidden_size, layer_boundaries. */
export interface ModelCard {
  name?: string;
  kind: string;
  hiddenSize: number;
  layerBoundaries: string[];
  parameters?: number;
  graphInputs?: string[];
  maxPositions?: number;
}

/** The fields of a Hugging Face config.json Grain reads, under whichever of the usual keys they were. */
export interface HfConfigFacts {
  modelType?: string;
  architectures?: string[];
  hiddenSize?: number;
  layers?: number;
  vocabSize?: number;
  maxPositions?: number;
}

export interface VariantFacts {
  name: string;
  relative: string;
  bytes: number;
  precision: Precision;
  isDefault: boolean;
  /** Weight files beside it, relative to the model folder. */
  externalData: string[];
}

export interface ModelFolderFacts {
  dir: string;
  /** The folder's name. */
  id: string;
  /** The card's `name`, else the folder's name. */
  name: string;
  layout: FolderLayout;
  variants: VariantFacts[];
  defaultVariant?: string;
  /** Where kind and sizes come from: Grain's card, the Hugging Face config, or neither. */
  source: 'card' | 'hf-config' | 'folder';
  /** Card `architecture` or HF `model_type` (lstm, gpt, bert, gpt2, llama, ...). */
  kind?: string;
  architectures?: string[];
  hiddenSize?: number;
  /** Layers (blocks) of the model; the layer boundaries Grain records are these + the embeddings. */
  layers?: number;
  /** The card's boundary names. */
  layerBoundaries?: string[];
  vocabSize?: number;
  maxPositions?: number;
  /** Card extras. */
  parameters?: number;
  graphInputs?: string[];
  files: {
    tokenizer: string;
    config?: string;
    tokenizerConfig?: string;
    specialTokensMap?: string;
    generationConfig?: string;
    /** MODEL_CARD.md or README.md. */
    card?: string;
    /** grain.json: sites named by the user. */
    grainConfig?: string;
  };
  /** Some variant has weight files beside it. */
  externalData: boolean;
  /** Files a model folder usually has that this one lacks, and what that costs. */
  missing: string[];
  /** Files that are there but could not be used (a malformed config.json names its file and line). */
  warnings: string[];
}

/** The facts of a scanned model folder; never throws for what config.json holds (that becomes a warning). */
export function readModelFolderFacts(scan: ModelFolderScan): ModelFolderFacts {
  const { dir } = scan;
  const present = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  const facts: ModelFolderFacts = {
    dir,
    id: basename(dir),
    name: basename(dir),
    layout: scan.layout,
    variants: scan.variants.map((v) => ({
      name: v.name,
      relative: v.relative,
      bytes: v.bytes,
      precision: v.precision,
      isDefault: v === scan.defaultVariant,
      externalData: v.externalData.map((f) => relative(dir, f).split('\\').join('/')),
    })),
    defaultVariant: scan.defaultVariant?.name,
    source: 'folder',
    files: {
      tokenizer: scan.tokenizer,
      config: present('config.json'),
      tokenizerConfig: present('tokenizer_config.json'),
      specialTokensMap: present('special_tokens_map.json'),
      generationConfig: present('generation_config.json'),
      card: present('MODEL_CARD.md') ?? present('README.md'),
      grainConfig: present('grain.json'),
    },
    externalData: scan.variants.some((v) => v.externalData.length > 0),
    missing: [],
    warnings: [],
  };
  if (!facts.files.config) facts.missing.push('config.json: no model type, sizes or position limit until the graph is read');
  if (!facts.files.tokenizerConfig) facts.missing.push('tokenizer_config.json: no special-token roles (pad, mask, ...) or length limit from it');
  if (!facts.files.specialTokensMap) facts.missing.push('special_tokens_map.json');
  if (facts.files.config) readConfig(facts.files.config, facts);
  return facts;
}

/** The layer boundaries Grain records for these facts (the card's, else embeddings + one per layer), if known. */
export function expectedBoundaries(facts: Pick<ModelFolderFacts, 'layerBoundaries' | 'layers'>): number | undefined {
  if (facts.layerBoundaries) return facts.layerBoundaries.length;
  return facts.layers !== undefined ? facts.layers + 1 : undefined;
}

function readConfig(file: string, facts: ModelFolderFacts): void {
  let raw: unknown;
  try {
    raw = readJsonFile(file);
  } catch (e) {
    if (e instanceof GrainError) {
      facts.warnings.push(e.message);
      return;
    }
    throw e;
  }
  if (!isRecord(raw)) {
    facts.warnings.push(`${file}: must hold a JSON object`);
    return;
  }
  if (isModelCard(raw)) {
    try {
      const card = parseModelCard(raw, file);
      facts.source = 'card';
      facts.name = card.name ?? facts.name;
      facts.kind = card.kind;
      facts.hiddenSize = card.hiddenSize;
      facts.layerBoundaries = card.layerBoundaries;
      facts.layers = card.layerBoundaries.length - 1;
      facts.parameters = card.parameters;
      facts.graphInputs = card.graphInputs;
      facts.maxPositions = card.maxPositions;
    } catch (e) {
      if (!(e instanceof GrainError)) throw e;
      facts.warnings.push(e.message);
    }
    return;
  }
  const hf = parseHfConfig(raw);
  if (hf.modelType === undefined && hf.architectures === undefined) {
    facts.warnings.push(`${file}: holds neither a Hugging Face config ("model_type") nor a Grain model card ("architecture"); its sizes are not used`);
    return;
  }
  facts.source = 'hf-config';
  facts.kind = hf.modelType;
  facts.architectures = hf.architectures;
  facts.hiddenSize = hf.hiddenSize;
  facts.layers = hf.layers;
  facts.vocabSize = hf.vocabSize;
  facts.maxPositions = hf.maxPositions;
}

/** A Grain card has `architecture` or `layer_boundaries`; a Hugging Face config has `model_type`. */
export function isModelCard(raw: Record<string, unknown>): boolean {
  return raw.model_type === undefined && (raw.architecture !== undefined || raw.layer_boundaries !== undefined);
}

/** Grain's card fields, checked; a GrainError naming the file and the field when one is wrong. */
export function parseModelCard(card: Record<string, unknown>, file: string): ModelCard {
  const kind = card.architecture;
  if (typeof kind !== 'string' || kind === '') {
    throw new GrainError('"architecture" must be a non-empty string (lstm, gpt, bert, ...)', { file });
  }
  const hiddenSize = card.hidden_size;
  if (typeof hiddenSize !== 'number' || !Number.isInteger(hiddenSize) || hiddenSize <= 0) {
    throw new GrainError(`"hidden_size" must be a positive integer, got ${JSON.stringify(hiddenSize)}`, { file });
  }
  const boundaries = card.layer_boundaries;
  if (!Array.isArray(boundaries) || boundaries.length === 0 || !boundaries.every((b) => typeof b === 'string')) {
    throw new GrainError('"layer_boundaries" must be a non-empty list of names', { file });
  }
  const out: ModelCard = { kind, hiddenSize, layerBoundaries: boundaries as string[] };
  if (typeof card.name === 'string' && card.name !== '') out.name = card.name;
  if (typeof card.parameters === 'number') out.parameters = card.parameters;
  const check = card.onnx_check;
  if (isRecord(check) && Array.isArray(check.graph_inputs) && check.graph_inputs.every((g) => typeof g === 'string')) {
    out.graphInputs = check.graph_inputs as string[];
  }
  const hp = card.hyperparameters;
  if (isRecord(hp) && positiveInt(hp.max_positions) !== undefined) out.maxPositions = hp.max_positions as number;
  return out;
}

const HIDDEN_KEYS = ['hidden_size', 'n_embd', 'd_model', 'dim'];
const LAYER_KEYS = ['num_hidden_layers', 'n_layer', 'num_layers', 'n_layers'];
const POSITION_KEYS = ['max_position_embeddings', 'n_positions', 'n_ctx', 'max_seq_len', 'seq_length'];

/** The Hugging Face config fields Grain uses; multimodal configs keep the language model's in text_config. */
export function parseHfConfig(raw: Record<string, unknown>): HfConfigFacts {
  const text = isRecord(raw.text_config) ? raw.text_config : undefined;
  const first = (keys: string[]) => {
    for (const src of [raw, text]) {
      if (!src) continue;
      for (const k of keys) {
        const v = positiveInt(src[k]);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  };
  const out: HfConfigFacts = {};
  if (typeof raw.model_type === 'string' && raw.model_type !== '') out.modelType = raw.model_type;
  if (Array.isArray(raw.architectures) && raw.architectures.every((a) => typeof a === 'string')) out.architectures = raw.architectures as string[];
  out.hiddenSize = first(HIDDEN_KEYS);
  out.layers = first(LAYER_KEYS);
  out.vocabSize = first(['vocab_size']);
  out.maxPositions = first(POSITION_KEYS);
  return out;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
