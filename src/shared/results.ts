/**
 * Versioned result files (`.grain/*.json`): what the CLI and the worker write and what the reports
 * draw, with everything needed to redraw them without recomputing. A reader refuses a schema
 * version it does not know instead of drawing wrong numbers.
 */
import type { SiteInfo } from '../core/activations';
import type { CkaMatrix, ModelCorrelationSummary } from '../core/correlate';

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
