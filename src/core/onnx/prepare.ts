import { inlineNoCacheBranch } from './branches';
import { readOnnxModel, type OnnxModel } from './proto';

export interface AnalysisModel {
  model: OnnxModel;
  /** What was changed to make the graph analysable, in words (empty when nothing was). */
  notes: string[];
}

/**
 * Reads a model the way every analysis uses it: a merged decoder gets its no-past branch in
 * place of the If on use_cache_branch (see branches.ts). The file itself is never changed.
 */
export function readAnalysisModel(path: string): AnalysisModel {
  const model = readOnnxModel(path);
  const inlined = inlineNoCacheBranch(model);
  return inlined ? { model: inlined.model, notes: [inlined.note] } : { model, notes: [] };
}
