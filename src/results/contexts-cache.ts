/**
 * Whether a saved contexts result answers a request, so that neither the CLI, the worker nor the
 * editor computes the same contexts twice: same model file, corpus files, settings, at least as
 * many contexts per neuron, every asked neuron listed, and nothing changed on disk since.
 */
import { corpusFingerprint, sameFingerprint } from '../core/contexts/fingerprint';
import type { Aggregation, SiteSelection } from '../shared/jobs';
import type { ContextsResult } from '../shared/results';

export interface ContextsRequest {
  /** The .onnx file the model folder runs (resolveModelPath). */
  modelPath: string;
  /** The corpus files (corpusFiles), in reading order. */
  files: readonly string[];
  aggregation: Aggregation;
  sites: SiteSelection;
  top: number;
  /** Neurons that must be listed; all when absent. */
  neurons?: readonly number[];
}

export function contextsAnswer(saved: ContextsResult, want: ContextsRequest): boolean {
  if (saved.files.length !== want.files.length || saved.files.some((f, i) => f !== want.files[i])) return false;
  if (saved.settings.aggregation !== want.aggregation || saved.settings.sites !== want.sites || saved.settings.top < want.top) return false;
  const listed = new Set(saved.contexts.map((c) => c.neuron));
  if (want.neurons ? !want.neurons.every((n) => listed.has(n)) : listed.size !== saved.neurons) return false;
  try {
    return sameFingerprint(saved.fingerprint, corpusFingerprint(want.modelPath, want.files));
  } catch {
    // A file is gone: nothing to reuse.
    return false;
  }
}
