/**
 * The jobs the worker runs, as plain JSON-able specs. The CLI builds the same specs from its
 * flags and runs them in-process; the extension posts them to the worker.
 */
import type { Aggregation } from '../core/extract/aggregate';
import type { SiteSelection } from '../core/onnx/sites';
import type { ActivationFormat } from '../core/store';
import type { ConlluColumn } from '../core/corpus';
import type { ExtractResult, NeuronStatsResult, TextActivationsResult } from './job-results';
import type { InspectReport } from './inspect';
import type { AnyAblationResult, CorrelationResult, ExperimentsResult, ProbeResult, RankingResult } from './results';
import type { RankingMethod } from './rankings';

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
  /**
   * A ranking result (or probe result) of the same activations: the subsets, zero-out, minimal
   * subset and top words follow its ordering instead of the full probe's.
   */
  ranking?: string;
  experiments: ExperimentName[];
  percents: number[];
  tolerance: number;
  topPercentage: number;
  out: string;
}

/** The settings of a ranking method (the ones of the other methods are absent). */
export interface RankSettings {
  /** Rare classes, layers and seed as the probe has them (clustering also trains probes with these). */
  probe: ProbeSettings;
  /** Each class's top neurons: the first this percent of its ranking. */
  perClassPercent: number;
  iou?: { score: 'ap' | 'iou'; threshold: number; quantile: number };
  /**
   * Greedy steps (null: DEFAULTS.rank.gaussian.greedyPercent of the ranked neurons; 'all': every
   * neuron, as NeuroX) and rows the information is measured on (null: all, within a memory budget).
   * A result holds the steps taken and the rows measured in its `gaussian` part.
   */
  gaussian?: { maxNeurons: number | 'all' | null; maxRows: number | null };
  clustering?: { threshold: number; absolute: boolean };
}

/** Ranks the neurons of the labelled data's activations by one method and writes a ranking result. */
export interface RankJob extends ProbeInputs {
  kind: 'rank';
  method: RankingMethod;
  settings: RankSettings;
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

export type Job = ExtractJob | CorrelateJob | ProbeJob | ExperimentJob | RankJob | AblateJob | NeuronStatsJob | TextActivationsJob | InspectJob;
export type JobKind = Job['kind'];

/** What each job returns: the worker's host and the CLI get these types, no guessing. */
export interface JobResults {
  extract: ExtractResult;
  correlate: CorrelationResult;
  probe: ProbeResult;
  experiment: ExperimentsResult;
  rank: RankingResult;
  ablate: AnyAblationResult;
  'neuron-stats': NeuronStatsResult;
  'text-activations': TextActivationsResult;
  inspect: InspectReport;
}

export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;
