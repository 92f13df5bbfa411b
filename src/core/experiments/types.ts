/** Plain JSON results of the paper's experiments (numbers and arrays only, no typed arrays). */
import type { MetricName } from '../probe/metrics';

export interface ProbeScore {
  /** Neurons the probe used. */
  neurons: number;
  accuracy: number;
}

export interface FullProbeResult {
  neurons: number;
  classes: number;
  /** Test accuracy, or the score in `metric` when one was asked for (and every score of the experiments with it). */
  accuracy: number;
  /** NeuroX's metric the scores are in; accuracy when absent. */
  metric?: MetricName;
  macroF1: number;
  majorityBaseline: number;
  /** All neurons, most important first (NeuroX neuron ordering of the full probe's weights). */
  ordering: number[];
  trainSeconds: number;
}

export interface SubsetRow {
  /** Percentage of all neurons. */
  percent: number;
  count: number;
  top: number;
  random: number;
  bottom: number;
}

/** Table 2 of the paper: probes retrained on top/random/bottom k% of the neurons. */
export interface RetrainResult {
  fullAccuracy: number;
  rows: SubsetRow[];
}

/** The full probe evaluated with everything but the chosen neurons zeroed. */
export interface ZeroOutResult {
  fullAccuracy: number;
  rows: SubsetRow[];
}

export interface MinimalSubsetResult {
  target: number;
  tolerance: number;
  fullAccuracy: number;
  count: number;
  accuracy: number;
  neurons: number[];
  /** Every retraining tried, in order: prefix size and accuracy. */
  trials: ProbeScore[];
}

export interface ClassLocalization {
  className: string;
  /** Neurons holding each share of the class's weight mass. */
  counts: number[];
  effectiveNeurons: number;
}

export interface LocalizationResult {
  shares: number[];
  neurons: number;
  classes: ClassLocalization[];
}

export interface ExclusivityResult {
  percentage: number;
  classNames: string[];
  /** Per class: its top-neuron count and how many of them no other class shares. */
  perClass: { className: string; top: number; exclusive: number; exclusiveNeurons: number[] }[];
  /** [C][C] Jaccard overlap of top-neuron sets. */
  jaccard: number[][];
}

export interface LayerScore {
  site: string;
  width: number;
  accuracy: number;
}

export interface LayerwiseResult {
  sites: LayerScore[];
  all: number;
}

export interface NeuronWords {
  neuron: number;
  words: string[];
  scores: number[];
}

export interface SelectivityResult {
  taskAccuracy: number;
  controlAccuracy: number;
  selectivity: number;
}
