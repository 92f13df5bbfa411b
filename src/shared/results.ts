/**
 * Versioned result files (`.grain/*.json`): what the CLI and the worker write and what the reports
 * draw, with everything needed to redraw them without recomputing. A reader refuses a schema
 * version it does not know instead of drawing wrong numbers.
 */
import type { SiteInfo } from '../core/activations';
import { isNumberArray } from '../core/typed-arrays';
import type { CkaMatrix, ModelCorrelationSummary } from '../core/correlate';
import type { RareClassReport } from '../core/corpus/classes';
import type {
  ExclusivityResult,
  FullProbeResult,
  LayerwiseResult,
  LocalizationResult,
  MinimalSubsetResult,
  NeuronWords,
  RetrainResult,
  SelectivityResult,
  ZeroOutResult,
} from '../core/experiments/types';
import type { TrainReport } from '../core/probe/types';
import type { ClassificationMetrics, RegressionMetrics } from '../core/probe/metrics';
import type { RegressionTrainReport } from '../core/probe/regression';
import type { SentencePooling } from '../core/store';
import type { NeuronDescription } from '../core/describe/describe';
import type { CorpusFingerprint } from '../core/contexts/fingerprint';
import type { ProbeSettings, Aggregation, SiteSelection, ExperimentName, RankSettings } from './jobs';
import type { RankingMethod } from './rankings';

/**
 * The version every kind is written with. Version 2 of probe, experiments and correlation files
 * names every field in camelCase (version 1 had a few snake_case ones, see results-upgrade.ts);
 * ablation 2 added the objective `representation` and the `metric` that says what the curves plot.
 * Older files are still read, upgraded to this shape on reading.
 */
export const RESULT_VERSION = 2;

export type { NeuronDescription };

export type ResultKind = 'probe' | 'experiments' | 'correlation' | 'ablation' | 'contexts' | 'descriptions' | 'ranking' | 'agreement';

export const RESULT_KINDS: readonly ResultKind[] = ['probe', 'experiments', 'correlation', 'ablation', 'contexts', 'descriptions', 'ranking', 'agreement'];

export const RESULT_VERSIONS: Record<ResultKind, number> = {
  probe: RESULT_VERSION,
  experiments: RESULT_VERSION,
  correlation: RESULT_VERSION,
  ablation: RESULT_VERSION,
  contexts: RESULT_VERSION,
  descriptions: RESULT_VERSION,
  ranking: RESULT_VERSION,
  agreement: RESULT_VERSION,
};
/** The oldest version of each kind this Grain reads (and upgrades, in results-upgrade.ts); contexts, descriptions, ranking and agreement began at 2. */
const OLDEST_READ: Record<ResultKind, number> = { probe: 1, experiments: 1, correlation: 1, ablation: 1, contexts: 2, descriptions: 2, ranking: 2, agreement: 2 };

export interface ResultHeader<K extends ResultKind> {
  schema: `grain.${K}`;
  version: number;
  createdAt: string;
  /** Grain's version that wrote it. */
  grain: string;
}

/** Typed arrays as JSON has them. */
export type Json<T> = T extends Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array
  ? number[]
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** A value as a result file holds it: typed arrays become plain arrays (what JSON gives back). */
export function toJson<T>(value: T): Json<T> {
  return jsonCopy(value) as Json<T>;
}

function jsonCopy(v: unknown): unknown {
  if (isNumberArray(v)) return Array.from(v);
  if (Array.isArray(v)) return v.map(jsonCopy);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonCopy(x)]));
  return v;
}

export interface CorrelationResult extends ResultHeader<'correlation'> {
  input: string;
  /** The models (folders), in the order of the per-model summaries and CKA indices. */
  models: string[];
  sites: SiteInfo[];
  neurons: number;
  rows: number;
  constantNeurons: number;
  perModel: Json<ModelCorrelationSummary>[];
  cka: Json<CkaMatrix>[];
  timings: { extractSeconds: number; correlateSeconds: number };
}

/** Where the labelled data came from and what was done to its classes. */
export interface ProbeDataSummary {
  train: string;
  test: string;
  trainSentences: number;
  testSentences: number;
  trainWords: number;
  testWords: number;
  classFilter: RareClassReport;
  unseenTest: { label: string; count: number }[];
  /** Sentence-level probes: one row per sentence (trainWords/testWords count sentences), its first, last or average word. */
  sentenceLevel?: SentencePooling;
  /** A binary concept: what it holds and how many training words are in it. */
  concept?: { description: string; positive: number; negative: number };
  /** NeuroX's balancing: rows per class (classes order) before and after, in each part. */
  balance?: { trainBefore: number[]; trainAfter: number[]; testBefore: number[]; testAfter: number[] };
}

export interface ProbeSourceSummary {
  model?: string;
  activations?: string;
  aggregation: Aggregation;
  sites: SiteSelection;
}

/** What every probe result holds, classifier or regression. */
interface ProbeResultBase extends ResultHeader<'probe'> {
  data: ProbeDataSummary;
  source: ProbeSourceSummary;
  settings: ProbeSettings & { topPercentage: number; control: boolean };
  sites: SiteInfo[];
  neurons: number;
  /** Neuron ids the probe saw when restricted to some layers; null = all. */
  probedNeurons: number[] | null;
  /** The classes (a regression probe has one output, 'target'). */
  classes: string[];
  control: SelectivityResult | null;
  /** [classes x neurons] row-major, on the activations' own scale (with bias: the probe itself). */
  weights: number[];
  /** weights x each neuron's standard deviation: what the rankings below are built from. */
  rankingWeights: number[];
  bias: number[];
  /** Neuron ids, most important first (NeuroX get_neuron_ordering). */
  ordering: number[];
  /** Per class: its top neurons at settings.topPercentage of its weight mass (NeuroX get_top_neurons). */
  perClassTop: Record<string, number[]>;
  topOverall: number[];
  /** How many of topOverall lie in each site. */
  topBySite: number[];
  /** Top words of the best neurons (NeuroX get_top_words). */
  topWords: NeuronWords[];
  timings: { extractSeconds: number; trainSeconds: number; gflops: number };
  /**
   * A short description of each neuron from its top contexts in the training data (words and
   * tags), the classes whose top neurons hold it and its selectivity; written for word-level
   * classifier probes, absent elsewhere and in files written before Grain described neurons.
   */
  descriptions?: NeuronDescription[];
}

/** Classification metrics as a result holds them: for two classes F1 is that of `positiveClass`. */
export type ResultClassificationMetrics = ClassificationMetrics & { positiveClass?: string };

/** One elastic-net classifier probe, its evaluation and NeuroX's neuron rankings (the ranked-neurons report). */
export interface ClassifierProbeResult extends ProbeResultBase {
  /** Absent in files written before regression probes: classification. */
  task?: 'classification';
  train: {
    accuracy: number;
    rows: number;
    /** The value of settings.metric (NeuroX's compute_score). */
    score?: number;
  };
  test: {
    accuracy: number;
    rows: number;
    macroF1: number;
    majorityBaseline: number;
    majorityClass: string;
    /** Per class recall; null where the class has no test words. */
    classAccuracy: (number | null)[];
    classSupport: number[];
    /** Row = true class, column = predicted. */
    confusion: number[][];
    /** The value of settings.metric (NeuroX's compute_score). */
    score?: number;
    /** Every classification metric of NeuroX by name. */
    metrics?: ResultClassificationMetrics;
  };
  training: TrainReport;
}

/** One linear-regression probe (real-valued targets), its evaluation and NeuroX's rankings of its one weight row. */
export interface RegressionProbeResult extends ProbeResultBase {
  task: 'regression';
  train: { rows: number; score: number | null; metrics: RegressionMetrics };
  test: {
    rows: number;
    /** The value of settings.metric (pearson when absent); null where undefined (constant predictions). */
    score: number | null;
    metrics: RegressionMetrics;
    /** MSE of always predicting the training targets' mean: the regression's majority baseline. */
    meanBaselineMse: number;
    targetMean: number;
    targetStd: number;
  };
  training: RegressionTrainReport;
}

export type ProbeResult = ClassifierProbeResult | RegressionProbeResult;

export function isRegression(r: ProbeResult): r is RegressionProbeResult {
  return r.task === 'regression';
}

/** Why a probe cannot predict a class per word (a regression or a sentence-level probe), or undefined. */
export function wordClassifierProblem(r: ProbeResult): string | undefined {
  if (isRegression(r)) return 'this is a regression probe (real-valued targets)';
  if (r.data.sentenceLevel) return `this is a sentence-level probe (on each sentence's ${r.data.sentenceLevel} word)`;
  return undefined;
}

/** The result of a probe job that trains a classifier (the demo's, the editor's POS probes). */
export function classifierResult(r: ProbeResult): ClassifierProbeResult {
  if (isRegression(r)) throw new Error('expected a classifier probe result, got a regression probe');
  return r;
}

/** One line on how a probe did on its test part: the CLI, the editor's log and the Neurons view print it. */
export function probeSummary(r: ProbeResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const fixed = (x: number | null) => (x === null ? 'undefined (constant predictions)' : x.toFixed(3));
  if (isRegression(r)) {
    const m = r.test.metrics;
    return `test Pearson r ${fixed(m.pearson)}, Spearman rho ${fixed(m.spearman)}, MSE ${m.mse.toPrecision(4)} (predicting the mean: ${r.test.meanBaselineMse.toPrecision(4)})`;
  }
  const metric = r.settings.metric;
  const score = metric && metric !== 'accuracy' && r.test.score !== undefined ? `, ${metricLabel(metric)} ${fixed(r.test.score)}` : '';
  return `test accuracy ${pct(r.test.accuracy)} (majority baseline ${pct(r.test.majorityBaseline)})${score}`;
}

/** NeuroX's metric names as reports print them. */
export function metricLabel(metric: string | undefined): string {
  switch (metric ?? 'accuracy') {
    case 'accuracy_and_f1':
      return '(accuracy + F1) / 2';
    case 'pearson_and_spearman':
      return '(Pearson + Spearman) / 2';
    case 'matthews_corrcoef':
      return 'Matthews correlation';
    case 'f1':
      return 'F1';
    case 'pearson':
      return 'Pearson r';
    case 'spearman':
      return 'Spearman rho';
    default:
      return 'accuracy';
  }
}

/** The paper's experiments on one probing task; absent parts were not asked for. */
export interface ExperimentsResult extends ResultHeader<'experiments'> {
  data: ProbeDataSummary;
  source: ProbeSourceSummary;
  settings: ProbeSettings & { percents: number[]; tolerance: number; topPercentage: number };
  experiments: ExperimentName[];
  /**
   * The ranking whose ordering the subsets, zero-out, minimal subset and top words used instead of
   * the full probe's (grain experiment --ranking); absent: the full probe's ordering.
   */
  ranking?: RankingRef & { ordering: number[] };
  sites: SiteInfo[];
  classes: string[];
  full: FullProbeResult;
  subsets?: RetrainResult;
  zeroOut?: ZeroOutResult;
  minimal?: MinimalSubsetResult;
  localization?: LocalizationResult;
  exclusivity?: ExclusivityResult;
  layerwise?: LayerwiseResult;
  topWords?: NeuronWords[];
  control?: SelectivityResult;
  timings: { extractSeconds: number; totalSeconds: number };
}

/** A ranking file as other results name it. */
export interface RankingRef {
  /** The file, as given. */
  path: string;
  /** `probe` (the elastic-net probe's ordering) or a ranking method. */
  method: RankingMethod | 'probe';
  /** e.g. "Probeless (Antverg & Belinkov 2022)", "Linear probe (Dalvi et al. 2019)". */
  methodName: string;
}

/** What a ranking's scores are. */
export interface RankingScore {
  /** e.g. "mutual information". */
  name: string;
  /** e.g. "bits"; '' when none. */
  unit: string;
  description: string;
}

/** The Gaussian probe's greedy steps (neuron ids). */
export interface GaussianSelection {
  steps: { neurons: number; neuron: number; mutualInformation: number; accuracy: number }[];
  /** Training rows the information was measured on. */
  evaluationRows: number;
  /** The labels' entropy, the most information a selection can reach (bits). */
  entropyBits: number;
  /** Classes left out for having fewer than two training words. */
  leftOut: { label: string; rows: number }[];
}

/** Correlation clustering: the clusters, the neurons kept, what is redundant where, and probes on the kept and on all neurons. */
export interface RedundancySummary {
  threshold: number;
  absolute: boolean;
  clusters: number;
  /** The neuron kept per cluster (index = cluster). */
  kept: number[];
  /** Cluster of each neuron id; -1 for neurons not ranked. */
  cluster: number[];
  bySite: { site: string; neurons: number; kept: number; redundant: number }[];
  keptProbe: { neurons: number; accuracy: number; macroF1: number };
  fullProbe: { neurons: number; accuracy: number; macroF1: number };
}

/**
 * One ranking of neurons by a method other than the elastic-net probe (grain rank), with what the
 * ranked-neurons report draws. The probe's own ranking is a probe result.
 */
export interface RankingResult extends ResultHeader<'ranking'> {
  method: RankingMethod;
  methodName: string;
  settings: RankSettings;
  data: ProbeDataSummary;
  source: ProbeSourceSummary;
  sites: SiteInfo[];
  neurons: number;
  /** Neuron ids ranked when restricted to some layers; null = all. */
  rankedNeurons: number[] | null;
  classes: string[];
  /** The ranked neurons, most important first. */
  ordering: number[];
  /** Per neuron id: its score (see `score`); null where the method gave it none (not ranked, redundant, never reached). */
  scores: (number | null)[];
  score: RankingScore;
  /** Per class: its top neurons, best first; null for methods without per-class rankings. */
  perClassTop: Record<string, number[]> | null;
  /** How perClassTop was cut: the top `perClassPercent`% of each class's ranking (or a probe's weight mass share). */
  perClassRule: string | null;
  /** The share of the ordering counted in topBySite. */
  topPercent: number;
  /** How many of the top `topPercent`% lie in each site. */
  topBySite: number[];
  topWords: NeuronWords[];
  /** IoU probe: each class's share of the training words (a random neuron's average precision). */
  prevalence?: Record<string, number>;
  gaussian?: GaussianSelection;
  clustering?: RedundancySummary;
  timings: { extractSeconds: number; rankSeconds: number; totalSeconds: number };
}

/** How much two or more rankings of the same activations agree (grain compare-rankings, the ranked-neurons report). */
export interface AgreementData {
  rankings: RankingRef[];
  sites: { name: string; width: number }[];
  percents: number[];
  /** Neurons in each top k%. */
  counts: number[];
  /** Neurons ranked, in all and per site. */
  neurons: number;
  siteNeurons: number[];
  /** Per pair of rankings (indices into `rankings`): share of the top k% both hold, overall and per site (null: no ranked neuron there). */
  pairs: { a: number; b: number; overall: number[]; bySite: (number[] | null)[] }[];
  /** Per k: mean over the pairs. */
  mean: number[];
  /** Per k: what two random rankings share on average. */
  chance: number[];
  /** The same within each site (null where no ranked neuron lies). */
  siteChance: (number[] | null)[];
}

export interface AgreementResult extends ResultHeader<'agreement'>, AgreementData {
  source: ProbeSourceSummary;
  data: { train: string; trainSentences: number; trainWords: number };
}

export type LmObjectiveName = 'causal-lm' | 'masked-lm';
export type AblationObjective = LmObjectiveName | 'representation';

/** What an ablation measured, so reports and the CLI label their axes and columns. */
export interface AblationMetric {
  /** The field of the baseline, the masks and the curve points that the curves plot. */
  key: 'meanNll' | 'cosineDistance';
  /** e.g. "mean NLL", "mean 1 - cosine". */
  name: string;
  /** e.g. "nats"; '' when it has none. */
  unit: string;
  /** True for both: more damage, higher figure. */
  higherIsWorse: boolean;
  /** One sentence on what is measured. */
  description: string;
}

/** The metric of each objective. */
export function ablationMetric(objective: AblationObjective): AblationMetric {
  switch (objective) {
    case 'causal-lm':
      return { key: 'meanNll', name: 'mean NLL', unit: 'nats', higherIsWorse: true, description: 'mean negative log-likelihood of each next token' };
    case 'masked-lm':
      return { key: 'meanNll', name: 'mean NLL', unit: 'nats', higherIsWorse: true, description: 'mean negative log-likelihood of the masked tokens' };
    case 'representation':
      return {
        key: 'cosineDistance',
        name: 'mean 1 - cosine',
        unit: '',
        higherIsWorse: true,
        description: "mean over token positions of 1 - cosine between the last layer boundary's vector and the unablated model's",
      };
  }
}

/** LM objectives: the loss. */
export interface LossFigures {
  /** Mean next-token (causal) or masked-token (masked LM) negative log-likelihood, nats. */
  meanNll: number;
  perplexity: number;
  /** Predicted tokens the mean is over. */
  tokens: number;
}

/** Representation: the last layer boundary against the unablated model (unablated: 0, 1, 0). */
export interface RepresentationFigures {
  /** Mean over positions and units of (ablated - unablated)^2. */
  meanSquaredChange: number;
  /** Mean over positions of cosine(ablated, unablated). */
  meanCosine: number;
  /** Mean over positions of 1 - cosine: what the curves plot. */
  cosineDistance: number;
  /** Token positions compared (padding excluded). */
  tokens: number;
}

export type AblationFigures<O extends AblationObjective = AblationObjective> = O extends 'representation' ? RepresentationFigures : LossFigures;

/** One fixed ablation: the units of `spec` zeroed inside the model. */
export type MaskOutcome<O extends AblationObjective = LmObjectiveName> = AblationFigures<O> & {
  /** e.g. `layer1:0-49`, `embeddings:0,2,4`. */
  spec: string;
  units: number;
  /** The metric's figure minus the baseline's. */
  delta: number;
};

export type AblationPoint<O extends AblationObjective = LmObjectiveName> = Omit<AblationFigures<O>, 'tokens'> & {
  /** Neurons zeroed: the first `count` of the ordering. */
  count: number;
  percent: number;
  /** For random orderings: spread of the metric's figure over the draws (the other figures are means over draws). */
  std?: number;
  min?: number;
  max?: number;
};

export interface AblationCurve<O extends AblationObjective = LmObjectiveName> {
  /** `lca-top`, `cca-top`, `random`, `bottom`, or the name of a user's ordering. */
  name: string;
  /** Where the ordering came from (a result file), if anywhere. */
  source?: string;
  points: AblationPoint<O>[];
}

/**
 * In-model ablation: what the model loses when neurons are zeroed inside it. Without a type
 * argument, an LM result (what every version 1 file is); AnyAblationResult is any file.
 */
export interface AblationResult<O extends AblationObjective = LmObjectiveName> extends ResultHeader<'ablation'> {
  model: string;
  input: string;
  objective: O;
  /** What the curves plot (version 1 files get it on reading, from the objective). */
  metric: AblationMetric;
  /** Why this objective: which output is the LM's logits, or that none is. */
  objectiveReason?: string;
  /** Representation: the site compared with the unablated model (the last layer boundary). */
  compared?: { name: string; width: number; tensor?: string };
  sentences: number;
  sites: SiteInfo[];
  neurons: number;
  baseline: AblationFigures<O>;
  masks: MaskOutcome<O>[];
  curve: { counts: number[]; percents: number[]; randomDraws: number; seed: number; curves: AblationCurve<O>[] } | null;
  /** Masked LM: how the masked positions were chosen (seeded, so the same text gives the same positions). */
  masking?: { seed: number; rate: number; positions: number };
  timings: { seconds: number };
}

export type RepresentationAblationResult = AblationResult<'representation'>;
export type AnyAblationResult = AblationResult<LmObjectiveName> | RepresentationAblationResult;

export function header<K extends ResultKind>(kind: K, grain: string): ResultHeader<K> {
  return { schema: `grain.${kind}`, version: RESULT_VERSIONS[kind], createdAt: new Date().toISOString(), grain };
}

/** Where some contexts are: indices into a contexts result's `sentences`, the word in each, the activation there. */
export interface ContextList {
  sentence: number[];
  /** 0-based word of the sentence. */
  word: number[];
  value: number[];
}

/** One neuron's strongest contexts over the corpus. */
export interface NeuronContexts {
  neuron: number;
  /** The neuron's corpus mean and (population) standard deviation: z = (value - mean) / std. */
  mean: number;
  std: number;
  /** Its highest activations, highest first (the earlier word first on ties). */
  top: ContextList;
  /** Its lowest activations, lowest first. */
  bottom: ContextList;
}

/** A corpus sentence some context is in. */
export interface ContextSentence {
  /** Index into the result's `files`. */
  file: number;
  /** 1-based line in that file. */
  line: number;
  words: string[];
}

/**
 * The top (and bottom) contexts of neurons over a corpus (Neuroscope style): for each neuron
 * the words where it fires most and least, with their sentences. Computed for every neuron in
 * one pass; `contexts` lists the neurons asked for (all by default), in id order.
 */
export interface ContextsResult extends ResultHeader<'contexts'> {
  /** The model folder (or .onnx file) as given. */
  model: string;
  /** The text file or folder as given. */
  input: string;
  /** The text files read, in reading order (the input itself when it is a file). */
  files: string[];
  settings: { aggregation: Aggregation; sites: SiteSelection; top: number };
  sites: SiteInfo[];
  neurons: number;
  /** Words and sentences of the corpus. */
  rows: number;
  sentenceCount: number;
  /** What the file was computed from: a saved file is reused only while all of this is unchanged. */
  fingerprint: CorpusFingerprint;
  /** The sentences that hold a listed context (only those). */
  sentences: ContextSentence[];
  contexts: NeuronContexts[];
  timings: { extractSeconds: number; totalSeconds: number };
}

/** `grain describe`: a probe's neurons described (with the top contexts of a contexts result when given). */
export interface DescriptionsResult extends ResultHeader<'descriptions'> {
  probe: string;
  contexts?: string;
  /** The model of the probe, when it names one. */
  model?: string;
  sites: SiteInfo[];
  neurons: number;
  classes: string[];
  /** The probe's control-task selectivity, when it has one. */
  controlSelectivity: number | null;
  descriptions: NeuronDescription[];
}

/** The result kind of a parsed file, or an explanation of why it is not one Grain can read. */
export function resultKind(value: unknown): { kind: ResultKind } | { error: string } {
  const v = value as Partial<ResultHeader<ResultKind>> | null;
  const m = typeof v?.schema === 'string' ? new RegExp(`^grain\\.(${RESULT_KINDS.join('|')})$`).exec(v.schema) : null;
  if (!m) {
    const known = Object.keys(RESULT_VERSIONS).map((k) => `grain.${k}`).join(', ');
    const said = typeof v?.schema === 'string' ? `its schema is "${v.schema}"` : 'it has no "schema" field';
    return { error: `not a Grain result: ${said} (Grain writes ${known})` };
  }
  const kind = m[1] as ResultKind;
  const [oldest, newest] = [OLDEST_READ[kind], RESULT_VERSIONS[kind]];
  if (typeof v!.version !== 'number' || !Number.isInteger(v!.version) || v!.version < oldest || v!.version > newest) {
    const reads = oldest === newest ? `version ${newest}` : `versions ${oldest}-${newest}`;
    return { error: `written by a Grain with result version ${String(v!.version)}; this Grain reads ${reads}` };
  }
  return { kind };
}
