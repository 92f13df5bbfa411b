/**
 * The jobs the worker runs, as plain JSON-able specs. The CLI builds the same specs from its
 * flags and runs them in-process; the extension posts them to the worker.
 */
import type { Aggregation } from '../core/extract/aggregate';
import type { SiteSelection } from '../core/onnx/sites';
import type { ActivationFormat } from '../core/store';
import type { ConlluColumn } from '../core/corpus';
import type { ExtractResult, NeuronPartnerResult, NeuronStatsResult, ProbePredictionsResult, TextActivationsResult } from './job-results';
import type { InspectReport } from './inspect';
import type { AnyAblationResult, CorrelationResult, ExperimentsResult, ProbeResult } from './results';

export type { Aggregation, SiteSelection, ActivationFormat };

export interface ExtractJob {
  kind: 'extract';
  model: string;
  input: string;
  out: string;
  format: ActivationFormat;
  aggregation: Aggregation;
  /** One row per model input position (special tokens included) instead of per word. */
  subword: boolean;
  /** Keep special tokens as their own rows in word mode. */
  keepSpecial: boolean;
  sites: SiteSelection;
  batchSize: number;
  threads: number;
  dtype: 'float32' | 'float16';
  /** Long sentences run in windows of `size` positions with `overlap` tokens of left context (defaults: the model's limit or 512; 64). */
  window?: { size?: number; overlap?: number };
}

export interface CorrelateJob {
  kind: 'correlate';
  /** Model folders, or activation files (one per model, same text) when `activations` is set. */
  models: string[];
  activations?: string[];
  input: string;
  out: string;
  aggregation: Aggregation;
  sites: SiteSelection;
  batchSize: number;
  threads: number;
}

/** Where labelled sentences come from. Without a test part, the last 10% of sentences are held out. */
export type LabelledData =
  | { kind: 'pair'; input: string; labels: string; testInput?: string; testLabels?: string }
  | { kind: 'conllu'; train: string; test?: string; column: ConlluColumn }
  | { kind: 'brown'; split: string; tagset: 'raw' | 'normalized' | 'universal'; trainSentences?: number; testSentences?: number; dir?: string };

/** The settings of every probe a job trains. */
export interface ProbeSettings {
  mode: 'default' | 'neurox';
  lambdaL1: number;
  lambdaL2: number;
  epochs?: number;
  /** Site names to probe (e.g. ['layer1']); all sites when absent. */
  layers?: string[];
  /** Classes seen fewer times in training are dropped or merged into OTHER. */
  minCount: number;
  rare: 'drop' | 'other';
  seed: number;
}

export interface ProbeInputs {
  data: LabelledData;
  /** Model folder to extract from, or activation files already extracted from the same sentences. */
  model?: string;
  activations?: string;
  testActivations?: string;
  aggregation: Aggregation;
  sites: SiteSelection;
  batchSize: number;
  threads: number;
}

export interface ProbeJob extends ProbeInputs {
  kind: 'probe';
  probe: ProbeSettings;
  /** Train a control-task probe too and report selectivity. */
  control: boolean;
  /** Cumulative weight-mass share for per-class top neurons (NeuroX's percentage). */
  topPercentage: number;
  out: string;
}

export type ExperimentName = 'subsets' | 'zero-out' | 'minimal' | 'localization' | 'exclusivity' | 'layerwise' | 'top-words' | 'control';
export const EXPERIMENTS: readonly ExperimentName[] = ['subsets', 'zero-out', 'minimal', 'localization', 'exclusivity', 'layerwise', 'top-words', 'control'];

export interface ExperimentJob extends ProbeInputs {
  kind: 'experiment';
  probe: ProbeSettings;
  experiments: ExperimentName[];
  percents: number[];
  tolerance: number;
  topPercentage: number;
  out: string;
}

export interface AblateJob {
  kind: 'ablate';
  model: string;
  input: string;
  out: string;
  /** Fixed ablations, e.g. `layer1:0-49`; each is evaluated on its own. */
  masks: string[];
  /**
   * Loss curves: the first k% of each ordering zeroed. Orderings come from result files: a probe
   * result gives `lca-top` and `bottom`, a correlation result `cca-top`; `random` is always drawn.
   */
  curve?: { orderingFiles: string[]; percents: number[]; randomDraws: number; seed: number };
  /** Evaluate on the first N sentences only (quick looks); all when absent. */
  maxSentences?: number;
  /**
   * What to measure: causal or masked LM loss (needs the LM's logits; masked also a mask token), or
   * the change of the last layer boundary (representation). Default: what the model supports.
   */
  objective?: 'causal' | 'masked' | 'representation';
  sites: SiteSelection;
  batchSize: number;
  threads: number;
}

/** Per-neuron corpus mean/std of one model, saved to `out` and reused while the model and settings are unchanged. */
export interface NeuronStatsJob {
  kind: 'neuron-stats';
  model: string;
  /** Sentence file (one sentence a line), or ... */
  corpus?: string;
  /** ... activations the user extracted from this model (any format), instead of running the model. */
  activations?: string;
  out: string;
  aggregation: Aggregation;
  sites: SiteSelection;
  batchSize: number;
  threads: number;
  /** Recompute even if `out` is valid. */
  force?: boolean;
}

/** Activations of some document lines (editor decorations, hovers, heat map). */
export interface TextActivationsJob {
  kind: 'text-activations';
  model: string;
  /** 0-based document line and its text; each line is one sentence. */
  lines: { line: number; text: string }[];
  /** Neuron ids whose values are returned for every word. */
  neurons: number[];
  aggregation: Aggregation;
  subword: boolean;
  sites: SiteSelection;
  batchSize: number;
  threads: number;
  /** A neuron-stats file: enables z-scores and each word's strongest neurons. */
  stats?: string;
  /** How many strongest neurons per word (default 5). */
  topK?: number;
  /** A probe result file: adds the probe's prediction per word. */
  probe?: string;
}

/**
 * A probe's predictions on labelled sentences (the editor's probe errors), made as the probe was
 * trained: the activations of the sentences under the probe's aggregation and sites, then the
 * softmax of its weights over the classes.
 */
export interface ProbePredictionsJob {
  kind: 'probe-predictions';
  model: string;
  /** A probe result file of this model. */
  probe: string;
  sentences: string[][];
  /** Gold labels, parallel to `sentences`: each row then carries its gold class and that class's probability. */
  labels?: string[][];
  /** Where the sentences come from, and each one's 1-based line there, for messages. */
  source?: string;
  lines?: number[];
  /** A neuron-stats file of this model under the probe's aggregation and sites: adds each word's strongest neurons, as hovers list them. */
  stats?: string;
  /** How many strongest neurons per word (default 5). */
  topK?: number;
  batchSize: number;
  threads: number;
}

/**
 * A neuron of one model and its partner in another model, on the words of some document lines
 * (the heat map's second model): the partner given (from a correlation result) or the other
 * model's neuron best correlated with it over these words (Pearson, largest |r|).
 */
export interface NeuronPartnerJob {
  kind: 'neuron-partner';
  model: string;
  other: string;
  neuron: number;
  partner?: number;
  lines: { line: number; text: string }[];
  aggregation: Aggregation;
  sites: SiteSelection;
  batchSize: number;
  threads: number;
}

/**
 * What a model folder holds and how Grain would use it (grain inspect, the Models view): layout,
 * variants, tokenizer, graph inputs and outputs, sites and their widths from a probe run, the
 * ablation objective. Writes nothing; returns an InspectReport (src/shared/inspect.ts).
 */
export interface InspectJob {
  kind: 'inspect';
  /** A model folder or an .onnx file inside one. */
  model: string;
  /** A variant of the folder (file base name without .onnx); the default when absent. */
  variant?: string;
  threads: number;
}

export type Job =
  | ExtractJob
  | CorrelateJob
  | ProbeJob
  | ExperimentJob
  | AblateJob
  | NeuronStatsJob
  | TextActivationsJob
  | ProbePredictionsJob
  | NeuronPartnerJob
  | InspectJob;
export type JobKind = Job['kind'];

/** What each job returns: the worker's host and the CLI get these types, no guessing. */
export interface JobResults {
  extract: ExtractResult;
  correlate: CorrelationResult;
  probe: ProbeResult;
  experiment: ExperimentsResult;
  ablate: AnyAblationResult;
  'neuron-stats': NeuronStatsResult;
  'text-activations': TextActivationsResult;
  'probe-predictions': ProbePredictionsResult;
  'neuron-partner': NeuronPartnerResult;
  inspect: InspectReport;
}

export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;
