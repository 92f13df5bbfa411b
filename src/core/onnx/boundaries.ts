import { GrainError } from '../errors';
import { isDataTensor, valueConsumers } from './dataflow';
import type { GraphIndex } from './graph';
import type { Stages } from './scopes';

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
export function findBoundaries(index: GraphIndex, data: Uint8Array, stages: Stages, file?: string): string[] {
  const found: string[] = [];
  for (let k = -1; k < stages.blocks; k++) {
    const candidates = boundaryCandidates(index, data, stages, k);
    if (candidates.length === 0) throw noBoundary(index, stages, k, file);
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
      if (readers.length === 0) continue;
      const next = readers.filter((c) => stage[c] === k + 1);
      const later = readers.length - next.length;
      // Shared inputs of all blocks are not the stream; the stream meets a residual Add.
      if (k === -1 && later > 0 && stages.blocks > 1) continue;
      const residual = next.some((c) => nodes[c].opType === 'Add') ? 100 : 0;
      candidates.push({ tensor, score: residual + 10 * next.length - later });
    }
  }
  return candidates;
}

function noBoundary(index: GraphIndex, stages: Stages, k: number, file?: string): GrainError {
  const what = k === -1 ? 'the embeddings (the tensor block 0 reads)' : `the output of block ${stages.scopes[k]}`;
  const blocks = stages.blocks > 0
    ? `blocks ${stages.scopes.join(', ')} (scope family ${stages.family}${stages.families.length > 1 ? `; also seen: ${stages.families.filter((f) => f !== stages.family).join(', ')}` : ''})`
    : 'no repeated blocks (no node names with scopes like layers.N, layer.N, h.N, blocks.N)';
  return new GrainError(
    `cannot find ${what}: graph ${index.graph.name ?? ''} has ${blocks}. ` +
      'Name the layer tensors yourself in grain.json next to the model: ' +
      '{"sites": [{"name": "embeddings", "tensor": "<tensor name>"}, {"name": "layer1", "tensor": "..."}]}',
    { file },
  );
}
