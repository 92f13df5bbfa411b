import type { ExtractSummary } from '../core/extract/extractor';
import type { ActivationFormat } from '../core/store';
/**
 * What the editor jobs return. Per-word results are flat typed arrays (they cross postMessage
 * as such), never per-word objects.
 */

/** What an extraction wrote. */
export interface ExtractResult extends ExtractSummary {
  out: string;
  /** The files written: `out`, or one per site with decomposeLayers. */
  files: string[];
  format: ActivationFormat;
  sites: { name: string; width: number; tensor?: string }[];
}

/** What grain annotate wrote. */
export interface AnnotateResult {
  out: string;
  wordsOut?: string;
  /** 'sentences': one line per sentence of the text; 'words': NeuroX annotate's one word per line (balanced). */
  layout: 'sentences' | 'words';
  concept: string;
  sentences: number;
  /** Words of the text in the concept, and not. */
  positive: number;
  negative: number;
  /** Lines written (words in the 'words' layout, sentences otherwise). */
  lines: number;
}

export interface SiteWidth {
  name: string;
  width: number;
}

/** The saved corpus statistics of one model (`stats-<model>-<aggregation>-<sites>.json`). */
export interface NeuronStatsFile {
  schema: 'grain.neuron-stats';
  version: 1;
  /** Resolved path of model.onnx, with its size and mtime: a changed model invalidates the file. */
  model: string;
  modelBytes: number;
  modelMtimeMs: number;
  aggregation: string;
  sites: string;
  /** Sentence file or activations file the statistics come from. */
  corpus: string;
  corpusKind: 'sentences' | 'activations';
  siteInfo: SiteWidth[];
  neurons: number;
  rows: number;
  mean: number[];
  std: number[];
  seconds: number;
}

export interface NeuronStatsResult {
  path: string;
  /** Whether a valid saved file was reused. */
  cached: boolean;
  siteInfo: SiteWidth[];
  neurons: number;
  rows: number;
  corpus: string;
  seconds: number;
}

export interface TextActivationsResult {
  model: string;
  siteInfo: SiteWidth[];
  neurons: number;
  /** The neurons asked for, in the order of `values` columns. */
  wanted: number[];
  subword: boolean;
  /** Number of rows (words, or subword pieces in subword mode). */
  rows: number;
  /** 0-based document line of each row. */
  line: Int32Array;
  /** UTF-16 offsets of the row's word in its line (a piece carries its word's span). */
  start: Int32Array;
  end: Int32Array;
  /** The word (or piece as the tokenizer spells it). */
  text: string[];
  /** 1 when computed; 0 when the line was longer than the model accepts and this word was cut off. */
  computed: Uint8Array;
  /** rows x wanted.length; 0 where not computed. */
  values: Float32Array;
  /** rows x wanted.length z-scores against the corpus statistics (0 without statistics). */
  z: Float32Array;
  /** Corpus mean and std of each wanted neuron (empty without statistics). */
  wantedMean: Float64Array;
  wantedStd: Float64Array;
  /** Strongest neurons of each row by |z|: rows x topK ids and z-scores (topK 0 without statistics). */
  topK: number;
  topIds: Int32Array;
  topZ: Float32Array;
  /** Values of the top neurons (rows x topK). */
  topValues: Float32Array;
  /** Probe prediction per row, when a probe result was given: class index (-1 if not computed) and probability. */
  probe?: { path: string; classes: string[]; predicted: Int32Array; probability: Float32Array };
  /** Lines cut to the model's maximum length, with how many words were dropped. */
  truncated: { line: number; droppedWords: number }[];
  maxLength: number | null;
  seconds: number;
}

/** What a contexts job did: computed the contexts or found them saved. The contexts are in the file. */
export interface ContextsSummary {
  path: string;
  /** Whether a saved file with these contexts was reused. */
  cached: boolean;
  neurons: number;
  /** Neurons whose contexts the file lists. */
  listed: number;
  rows: number;
  sentences: number;
  files: number;
  seconds: number;
}

export interface ProbePredictionsResult {
  classes: string[];
  /** The probe's aggregation and sites, under which the sentences were run. */
  aggregation: string;
  sites: string;
  siteInfo: SiteWidth[];
  /** One row per word, sentences in order. */
  rows: number;
  /** Row where each sentence starts; sentences + 1 entries, the last is `rows`. */
  sentenceOffsets: Int32Array;
  predicted: Int32Array;
  /** Probability of the predicted class. */
  probability: Float32Array;
  /** Gold class index; -1 where the label is not one of the probe's classes or no labels were given. */
  gold: Int32Array;
  /** Probability of the gold class (NaN where gold is -1). */
  goldProbability: Float32Array;
  /** Words with a gold class, and how many of them the probe got right. */
  known: number;
  correct: number;
  /** Strongest neurons of each row by |z| against the statistics (topK 0 without statistics). */
  topK: number;
  topIds: Int32Array;
  topZ: Float32Array;
  topValues: Float32Array;
  seconds: number;
}

export interface NeuronPartnerResult {
  /** The other model's sites and neuron count. */
  otherSiteInfo: SiteWidth[];
  otherNeurons: number;
  /** One row per word of the lines, in document order (as TextActivationsResult). */
  rows: number;
  line: Int32Array;
  start: Int32Array;
  end: Int32Array;
  text: string[];
  /** 1 where both models saw the word (a line longer than a model accepts loses its end). */
  computed: Uint8Array;
  values: Float32Array;
  partner: number;
  partnerValues: Float32Array;
  /** Whether the partner was searched among all of the other model's neurons (else it was given). */
  searched: boolean;
  /** Pearson r of the neuron and its partner over the computed rows. */
  r: number;
  /** Computed rows. */
  words: number;
  /** Each neuron standardised over the computed rows (0 elsewhere), and z - sign(r) * partnerZ. */
  z: Float32Array;
  partnerZ: Float32Array;
  diff: Float32Array;
  seconds: number;
}
