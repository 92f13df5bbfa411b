import { inlineNoCacheBranch } from './branches';
import { indexGraph, hasTensor } from './graph';
import { decodeOnnxModel, readOnnxModel, type OnnxModel } from './proto';
import { setNodeOutputs } from './surgery';

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
  let model = readOnnxModel(path);
  const notes: string[] = [];
  const inlined = inlineNoCacheBranch(model);
  if (inlined) {
    model = inlined.model;
    notes.push(inlined.note);
  }
  const sums = exposeResidualSums(model);
  if (sums) {
    model = sums.model;
    notes.push(sums.note);
  }
  return { model, notes };
}

const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);
const SUM_OUTPUT = 3;

/**
 * onnxruntime's transformer optimizer fuses a residual addition with the next norm into
 * SkipLayerNormalization, whose 4th output (input_skip_bias_sum) is the residual stream; it
 * names that output only where something reads it, so in a pre-norm stack the last block's sum
 * (fused with the final norm) is no tensor. Where the other fused norms pass their sums on,
 * naming the missing optional output makes onnxruntime compute it: the stream becomes readable
 * without changing anything else the model computes. (Post-norm stacks carry the normed output.)
 */
function exposeResidualSums(model: OnnxModel): { model: OnnxModel; note: string } | undefined {
  const fused = model.graph.node.filter((n) => SKIP_NORMS.has(n.opType ?? ''));
  if (!fused.some((n) => n.output[SUM_OUTPUT])) return undefined;
  const index = indexGraph(model.graph);
  const lists = new Map<number, string[]>();
  model.graph.node.forEach((node, i) => {
    if (!SKIP_NORMS.has(node.opType ?? '') || node.output[SUM_OUTPUT] || !node.output[0]) return;
    let name = `${node.output[0]}/grain_residual_sum`;
    for (let k = 2; hasTensor(index, name); k++) name = `${node.output[0]}/grain_residual_sum_${k}`;
    lists.set(i, [node.output[0], node.output[1] ?? '', node.output[2] ?? '', name]);
  });
  if (lists.size === 0) return undefined;
  return {
    model: decodeOnnxModel(setNodeOutputs(model, lists), model.file),
    note: `${lists.size} fused SkipLayerNormalization node(s) without a residual sum output now also output it (optional output 3), so the stream they carry can be read`,
  };
}
