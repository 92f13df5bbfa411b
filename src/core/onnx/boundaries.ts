import { GrainError } from '../errors';
import { isDataTensor, valueConsumers } from './dataflow';
import type { GraphIndex } from './graph';
import type { Stages } from './scopes';

/** Ops that leave a block with its residual stream: the sum, or a norm of it (post-LN). */
const STREAM_OPS = new Set(['Add', 'LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

interface Candidate {
  tensor: string;
  score: number;
}

/**
 * The tensors that carry the residual stream between stages: [embeddings, layer1..layerN].
 * Found by structure: a value tensor produced in stage k-1 and read by a later stage. Tensors
 * every block reads (attention masks, rotary tables) are built before block 0 and so never
 * compete for layer1..N; for the embeddings they are ruled out because later blocks read them too.
 */
export function findBoundaries(index: GraphIndex, data: Uint8Array, stages: Stages): string[] {
  const found: string[] = [];
  for (let k = -1; k < stages.blocks; k++) {
    const candidates = boundaryCandidates(index, data, stages, k);
    if (candidates.length === 0) throw noBoundary(stages, k);
    candidates.sort((a, b) => b.score - a.score);
    found.push(candidates[0].tensor);
  }
  return found;
}

function boundaryCandidates(index: GraphIndex, data: Uint8Array, stages: Stages, k: number): Candidate[] {
  const { stage } = stages;
  const nodes = index.graph.node;
  const candidates: Candidate[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (stage[i] !== k || data[i] !== 1) continue;
    for (const tensor of nodes[i].output) {
      if (!tensor || !isDataTensor(index, data, tensor)) continue;
      const readers = valueConsumers(index, tensor).filter((c) => stage[c] > k);
      // The last block's output may be the graph's output itself (last_hidden_state), read by no
      // node; a residual sum or a norm makes it, not the Concat or Transpose of a present key.
      const graphOutput = k === stages.blocks - 1 && index.outputs.has(tensor) && STREAM_OPS.has(nodes[i].opType ?? '') ? 1 : 0;
      if (readers.length + graphOutput === 0) continue;
      const next = readers.filter((c) => stage[c] === k + 1);
      const later = readers.length - next.length;
      // Shared inputs of all blocks are not the stream; the stream meets a residual Add.
      if (k === -1 && later > 0 && stages.blocks > 1) continue;
      const residual = next.some((c) => nodes[c].opType === 'Add') ? 100 : 0;
      candidates.push({ tensor, score: residual + 10 * (next.length + graphOutput) - later });
    }
  }
  return candidates;
}

function noBoundary(stages: Stages, k: number): GrainError {
  const what = k === -1 ? 'the embeddings (the tensor block 0 reads)' : `the output of block ${stages.scopes[k]}`;
  const others = stages.families.filter((f) => f !== stages.family);
  return new GrainError(`cannot find ${what} among ${stages.blocks} blocks ${stages.family}.N${others.length > 0 ? ` (also seen: ${others.join(', ')})` : ''}`);
}
