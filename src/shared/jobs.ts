/**
 * The jobs the worker runs, as plain JSON-able specs. The CLI builds the same specs from its
 * flags and runs them in-process; the extension posts them to the worker.
 */
export type Aggregation = 'first' | 'last' | 'average';
export type SiteSelection = 'layers' | 'mlp' | 'all';
export type ActivationFormat = 'grain' | 'json' | 'hdf5';

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

export type Job = ExtractJob | CorrelateJob;
export type JobKind = Job['kind'];
