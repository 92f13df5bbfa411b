/**
 * Versioned result files (`.grain/*.json`): what the CLI and the worker write and what the reports
 * draw, with everything needed to redraw them without recomputing. A reader refuses a schema
 * version it does not know instead of drawing wrong numbers.
 */
import type { SiteInfo } from '../core/activations';
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
import type { ProbeSettings, Aggregation, SiteSelection, ExperimentName } from './jobs';

export const RESULT_VERSION = 1;

export type ResultKind = 'probe' | 'experiments' | 'correlation' | 'ablation';

export interface ResultHeader<K extends ResultKind> {
  schema: `grain.${K}`;
  version: typeof RESULT_VERSION;
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
  timings: { extract_seconds: number; correlate_seconds: number };
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
}

export interface ProbeSourceSummary {
  model?: string;
  activations?: string;
  aggregation: Aggregation;
  sites: SiteSelection;
}

/** One elastic-net probe, its evaluation and NeuroX's neuron rankings (the ranked-neurons report). */
export interface ProbeResult extends ResultHeader<'probe'> {
  data: ProbeDataSummary;
  source: ProbeSourceSummary;
  settings: ProbeSettings & { topPercentage: number; control: boolean };
  sites: SiteInfo[];
  neurons: number;
  /** Neuron ids the probe saw when restricted to some layers; null = all. */
  probedNeurons: number[] | null;
  classes: string[];
  train: { accuracy: number; rows: number };
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
  };
  control: SelectivityResult | null;
  /** [classes x neurons] row-major, on the activations' own scale (with bias: the probe itself). */
  weights: number[];
  /** weights x each neuron's standard deviation: what the rankings below are built from. */
  ranking_weights: number[];
  bias: number[];
  /** Neuron ids, most important first (NeuroX get_neuron_ordering). */
  ordering: number[];
  /** Per class: its top neurons at settings.topPercentage of its weight mass (NeuroX get_top_neurons). */
  per_class_top: Record<string, number[]>;
  top_overall: number[];
  /** How many of top_overall lie in each site. */
  top_by_site: number[];
  /** Top words of the best neurons (NeuroX get_top_words). */
  top_words: NeuronWords[];
  timings: { extract_seconds: number; train_seconds: number; gflops: number };
  training: TrainReport;
}

/** The paper's experiments on one probing task; absent parts were not asked for. */
export interface ExperimentsResult extends ResultHeader<'experiments'> {
  data: ProbeDataSummary;
  source: ProbeSourceSummary;
  settings: ProbeSettings & { percents: number[]; tolerance: number; topPercentage: number };
  experiments: ExperimentName[];
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
  timings: { extract_seconds: number; total_seconds: number };
}

export interface LossFigures {
  /** Mean next-token (causal) or masked-token (masked LM) negative log-likelihood, nats. */
  meanNll: number;
  perplexity: number;
  /** Predicted tokens the mean is over. */
  tokens: number;
}

/** One fixed ablation: the units of `spec` zeroed inside the model. */
export interface MaskOutcome extends LossFigures {
  /** e.g. `layer1:0-49`, `embeddings:0,2,4`. */
  spec: string;
  units: number;
  /** meanNll - baseline meanNll. */
  delta: number;
}

export interface AblationPoint {
  /** Neurons zeroed: the first `count` of the ordering. */
  count: number;
  percent: number;
  meanNll: number;
  perplexity: number;
  /** For random orderings: spread over the draws. */
  std?: number;
  min?: number;
  max?: number;
}

export interface AblationCurve {
  /** `lca-top`, `cca-top`, `random`, `bottom`, or the name of a user's ordering. */
  name: string;
  /** Where the ordering came from (a result file), if anywhere. */
  source?: string;
  points: AblationPoint[];
}

/** In-model ablation: what the model loses when neurons are zeroed inside it. */
export interface AblationResult extends ResultHeader<'ablation'> {
  model: string;
  input: string;
  objective: 'causal-lm' | 'masked-lm';
  sentences: number;
  sites: SiteInfo[];
  neurons: number;
  baseline: LossFigures;
  masks: MaskOutcome[];
  curve: { counts: number[]; percents: number[]; randomDraws: number; seed: number; curves: AblationCurve[] } | null;
  /** Masked LM: how the masked positions were chosen (seeded, so the same text gives the same positions). */
  masking?: { seed: number; rate: number; positions: number };
  timings: { seconds: number };
}

export function header<K extends ResultKind>(kind: K, grain: string): ResultHeader<K> {
  return { schema: `grain.${kind}`, version: RESULT_VERSION, createdAt: new Date().toISOString(), grain };
}

/** The result kind of a parsed file, or an explanation of why it is not one Grain can read. */
export function resultKind(value: unknown): { kind: ResultKind } | { error: string } {
  const v = value as Partial<ResultHeader<ResultKind>> | null;
  const m = typeof v?.schema === 'string' ? /^grain\.(probe|experiments|correlation|ablation)$/.exec(v.schema) : null;
  if (!m) return { error: 'not a Grain result (no "schema": "grain.<kind>" field)' };
  if (v!.version !== RESULT_VERSION) return { error: `written by a Grain with result version ${String(v!.version)}; this Grain reads version ${RESULT_VERSION}` };
  return { kind: m[1] as ResultKind };
}
