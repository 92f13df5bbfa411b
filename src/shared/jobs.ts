/**
 * The jobs the worker runs, as plain JSON-able specs. The CLI builds the same specs from its
 * flags and runs them in-process; the extension posts them to the worker.
 */
import type { Aggregation } from '../core/extract/aggregate';
import type { LayerFilter } from '../core/extract/layer-filter';
import type { SiteSelection } from '../core/onnx/sites';
import type { ActivationFormat } from '../core/store';
import type { ConlluColumn } from '../core/corpus';
import type { MetricName } from '../core/probe/metrics';
import type { SentencePooling } from '../core/store';
import type { AnnotateResult, ContextsSummary, ExtractResult, NeuronPartnerResult, NeuronStatsResult, ProbePredictionsResult, TextActivationsResult } from './job-results';
import type { InspectReport } from './inspect';
import type { AnyAblationResult, CorrelationResult, DescriptionsResult, ExperimentsResult, ProbeResult, RankingResult } from './results';
import type { RankingMethod } from './rankings';

export type { Aggregation, SiteSelection, ActivationFormat, LayerFilter, MetricName, SentencePooling };

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
  /** NeuroX's filter_layers / include_embeddings: which of the sites found are extracted, in which order. */
  layerFilter?: LayerFilter;
  /** NeuroX's decompose_layers: one file per site, `out-layer{k}.ext` (k as NeuroX numbers layers). */
  decomposeLayers?: boolean;
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
  /** Which of the sites found are extracted (not with `activations`). */
  layerFilter?: LayerFilter;
  batchSize: number;
  threads: number;
}

/** Data with one label per word. */
export type WordLabelledData =
  | { kind: 'pair'; input: string; labels: string; testInput?: string; testLabels?: string }
  | { kind: 'conllu'; train: string; test?: string; column: ConlluColumn }
  | { kind: 'brown'; split: string; tagset: 'raw' | 'normalized' | 'universal'; trainSentences?: number; testSentences?: number; dir?: string };

/**
 * The words of a binary concept (NeuroX's annotate): listed in a file or given as a list (exact,
 * case-sensitive), matching a regular expression from their first character (as Python's
 * re.match), or carrying one of some labels of labelled data (case-insensitive; a trailing *
 * matches any ending).
 */
export type ConceptSpec =
  | { kind: 'words'; file: string }
  | { kind: 'list'; words: string[] }
  | { kind: 'regex'; pattern: string }
  | { kind: 'labels'; labels: string[] };

/** A binary concept over a text: every word 'positive' or 'negative'. */
export interface ConceptData {
  kind: 'concept';
  concept: ConceptSpec;
  /** The text (its labels too, for a concept of labels): labelled data, or a plain sentence file. */
  from: WordLabelledData | { kind: 'text'; input: string; testInput?: string };
  /**
   * The fewest words of the concept the training part and the test part must each hold (grain
   * concept, Probe This Concept); without it only the training part needs one.
   */
  minPositives?: number;
}

/**
 * Where labelled sentences come from. Without a test part, the last 10% of sentences are held out.
 * `sentences`: one label per sentence (NeuroX's sentence classification), each sentence
 * represented by its first, last or average word's activations.
 */
export type LabelledData =
  | WordLabelledData
  | { kind: 'sentences'; input: string; labels: string; testInput?: string; testLabels?: string; representation: SentencePooling }
  | ConceptData;

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
  /**
   * Inside each of NeuroX's chunks of the neuron ordering: `mass`, by the share of a class's
   * weight mass at which the neuron enters the top neurons (Grain's default); `neurox`, NeuroX's
   * sequence (ascending id). Absent in older results, which ordered by ascending id.
   */
  neuronOrder?: 'mass' | 'neurox';
  /** 'regression': the labels are numbers, the probe a linear regression (MSE); classification when absent. */
  task?: 'classification' | 'regression';
  /** NeuroX's metric the probe is scored by; accuracy (classification) or pearson (regression) when absent. */
  metric?: MetricName;
  /**
   * NeuroX's balancing, seeded by `seed`, of the train and the test part each: a concept's
   * negative words cut to as many as its positive ones (annotate), other labels every class to
   * the smallest class (balance_multi_class_data).
   */
  balance?: boolean;
  /** Control task: labels drawn from the training label distribution ('same', the default) or uniformly. */
  controlSampling?: 'same' | 'uniform';
  /** Control task: false gives 'The' and 'the' one word type; true (case-sensitive) when absent. */
  controlCaseSensitive?: boolean;
}

export interface ProbeInputs {
  data: LabelledData;
  /** Model folder to extract from, or activation files already extracted from the same sentences. */
  model?: string;
  activations?: string;
  testActivations?: string;
  aggregation: Aggregation;
  sites: SiteSelection;
  /** Which of the sites found are extracted (with `model` only). */
  layerFilter?: LayerFilter;
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

/**
 * A binary concept written as NeuroX label files (grain annotate): without balancing, one line
 * of 'positive'/'negative' per sentence of the text (NeuroX's load_data pairs it with the text);
 * balanced, NeuroX annotate's layout: one word per line, the positive words first, then the kept
 * negative ones, labels in `out` and the words in `wordsOut`. Only the training part of the data
 * is annotated (all of a sentence file).
 */
export interface AnnotateJob {
  kind: 'annotate';
  data: ConceptData;
  balance: boolean;
  seed: number;
  out: string;
  /** The text beside the labels, in the same layout; required when balanced. */
  wordsOut?: string;
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

/**
 * Top and bottom contexts of every neuron over a corpus (a text file, or a folder of them), in
 * one pass; saved to `out` (a `grain.contexts` result) and reused while the model, the settings
 * and the corpus files are unchanged.
 */
export interface ContextsJob {
  kind: 'contexts';
  model: string;
  /** A sentence file, or a folder whose .txt/.text/.tok files (any depth) are read in name order. */
  input: string;
  out: string;
  /** Neuron ids whose contexts are written (all when absent); every neuron is computed either way. */
  neurons?: number[];
  /** Contexts per neuron at each end. */
  top: number;
  aggregation: Aggregation;
  sites: SiteSelection;
  batchSize: number;
  threads: number;
  /** Recompute even when `out` holds these contexts already. */
  force?: boolean;
}

/** One-line descriptions of a probe's neurons (`grain.descriptions`), from the probe and optionally a contexts result. */
export interface DescribeJob {
  kind: 'describe';
  probe: string;
  contexts?: string;
  /** Neuron ids to describe; default: the probe's ordering (every probed neuron). */
  neurons?: number[];
  out: string;
}

export type Job =
  | ExtractJob
  | CorrelateJob
  | ProbeJob
  | ExperimentJob
  | AnnotateJob
  | RankJob
  | AblateJob
  | NeuronStatsJob
  | TextActivationsJob
  | ProbePredictionsJob
  | NeuronPartnerJob
  | InspectJob
  | ContextsJob
  | DescribeJob;
export type JobKind = Job['kind'];

/** What each job returns: the worker's host and the CLI get these types, no guessing. */
export interface JobResults {
  extract: ExtractResult;
  correlate: CorrelationResult;
  probe: ProbeResult;
  experiment: ExperimentsResult;
  annotate: AnnotateResult;
  rank: RankingResult;
  ablate: AnyAblationResult;
  'neuron-stats': NeuronStatsResult;
  'text-activations': TextActivationsResult;
  'probe-predictions': ProbePredictionsResult;
  'neuron-partner': NeuronPartnerResult;
  inspect: InspectReport;
  contexts: ContextsSummary;
  describe: DescriptionsResult;
}

export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;
