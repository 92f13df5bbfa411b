import { GrainError } from '../errors';
import { isDataTensor, valueConsumers } from './dataflow';
import type { GraphIndex } from './graph';
import type { Stages } from './scopes';

/**
 * Layer boundaries from the graph's structure alone, for graphs whose names carry no module
 * scopes (fused by onnxruntime's transformer optimizer, renamed, converted from other frameworks).
 *
 * A transformer block extends its residual stream: x' = x + f(x), where f holds learned products
 * (MatMul, Gemm, a fused Attention). Such an addition (an Add, or a SkipLayerNormalization that
 * fuses it with the following norm) is found by asking, of its two inputs, whether the later one
 * is computed from the earlier through a learned product. The additions that read one another's
 * results form a chain; the longest chain is the stream. A block starts at each addition whose
 * branch attends (Softmax or a fused attention op); the stream entering a block is its boundary.
 * Stacked recurrent layers (LSTM, GRU, RNN) are the fallback for graphs without residuals.
 */
export interface StructuralSites {
  boundaries: string[];
  stages: Stages;
  detail: string;
}

const LEARNED = new Set([
  'MatMul', 'Gemm', 'MatMulInteger', 'MatMulIntegerToFloat', 'DynamicQuantizeMatMul', 'QGemm', 'QLinearMatMul', 'FusedMatMul',
  'MatMulNBits', 'MatMulBnb4', 'Conv', 'ConvInteger', 'Einsum', 'LSTM', 'GRU', 'RNN', ...attentionOps(),
]);
const ATTENDS = new Set(['Softmax', ...attentionOps()]);
const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);
const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);
/** How far back from a stream tensor the previous addition is looked for (norm ops only). */
const LINK_SEARCH_NODES = 64;

function attentionOps(): string[] {
  return [
    'Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'QAttention', 'PackedAttention', 'PackedMultiHeadAttention',
    'DecoderMaskedMultiHeadAttention', 'DecoderMaskedSelfAttention', 'SparseAttention', 'QOrderedAttention',
  ];
}

interface Residual {
  node: number;
  /** The input carried forward. */
  stream: string;
  /** The stream after the addition: the Add's output, or SkipLayerNormalization's 4th output when it has one. */
  sum?: string;
  /** SkipLayerNormalization's normalized output. */
  normed?: string;
  attends: boolean;
  /** Index (in the residual list) of the addition whose result this one's stream is, or -1. */
  previous: number;
  /** True when the stream is the previous addition's normalized result (post-norm blocks). */
  viaNorm: boolean;
}

export function findStructuralSites(index: GraphIndex, data: Uint8Array): StructuralSites {
  const position = new Int32Array(index.graph.node.length);
  index.order.forEach((node, k) => (position[node] = k));
  const residuals = findResiduals(index, data, position);
  linkResiduals(index, residuals);
  const chain = longestChain(residuals);
  if (chain.length > 0) return fromResiduals(index, data, residuals, chain);
  const recurrent = recurrentStack(index, data);
  if (recurrent) return recurrent;
  throw new GrainError(
    'found no residual stream in the graph: no addition x + f(x) with a learned product in f (Add or SkipLayerNormalization), ' +
      'and no stacked LSTM/GRU/RNN layers',
  );
}

function findResiduals(index: GraphIndex, data: Uint8Array, position: Int32Array): Residual[] {
  const nodes = index.graph.node;
  const out: Residual[] = [];
  for (const i of index.order) {
    const node = nodes[i];
    const op = node.opType ?? '';
    if (data[i] !== 1 || (op !== 'Add' && !SKIP_NORMS.has(op))) continue;
    const [a, b] = node.input;
    if (!a || !b || !isDataTensor(index, data, a) || !isDataTensor(index, data, b)) continue;
    const [earlier, later] = producedAt(index, position, a) <= producedAt(index, position, b) ? [a, b] : [b, a];
    const branch = branchFrom(index, data, position, earlier, later);
    if (!branch.learned) continue;
    const skip = SKIP_NORMS.has(op);
    out.push({
      node: i,
      stream: earlier,
      sum: skip ? node.output[3] || undefined : node.output[0],
      normed: skip ? node.output[0] : undefined,
      attends: branch.attends,
      previous: -1,
      viaNorm: false,
    });
  }
  return out;
}

function producedAt(index: GraphIndex, position: Int32Array, tensor: string): number {
  const p = index.producer.get(tensor);
  return p === undefined ? -1 : position[p];
}

/**
 * Whether `later` is computed from `stream` through a learned product, and whether that branch
 * attends. Only nodes between the two (in topological order) can lie on such a path.
 */
function branchFrom(index: GraphIndex, data: Uint8Array, position: Int32Array, stream: string, later: string): { learned: boolean; attends: boolean } {
  const none = { learned: false, attends: false };
  const start = producedAt(index, position, stream);
  const end = index.producer.get(later);
  if (end === undefined) return none;
  const ancestors = new Set<number>([end]);
  const stack = [end];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const t of index.nodeInputs[n]) {
      const p = index.producer.get(t);
      if (p === undefined || ancestors.has(p) || position[p] <= start || data[p] !== 1) continue;
      ancestors.add(p);
      stack.push(p);
    }
  }
  // Of those, the ones that read `stream` or something computed from it here. A fused
  // SkipLayerNormalization's normalized output is computed from its sum output (the stream).
  const region = new Set<number>();
  const inRegion = new Set<string>([stream]);
  const maker = index.producer.get(stream);
  if (maker !== undefined && SKIP_NORMS.has(index.graph.node[maker].opType ?? '')) for (const o of index.graph.node[maker].output) if (o) inRegion.add(o);
  for (const n of [...ancestors].sort((x, y) => position[x] - position[y])) {
    if (!index.nodeInputs[n].some((t) => inRegion.has(t))) continue;
    region.add(n);
    for (const o of index.graph.node[n].output) if (o) inRegion.add(o);
  }
  if (!region.has(end)) return none;
  let learned = false;
  let attends = false;
  for (const n of region) {
    const op = index.graph.node[n].opType ?? '';
    if (LEARNED.has(op)) learned = true;
    if (ATTENDS.has(op)) attends = true;
  }
  return { learned, attends };
}

/** Each addition's predecessor: the addition whose result its stream is, directly or through a norm. */
function linkResiduals(index: GraphIndex, residuals: Residual[]): void {
  const resultOf = new Map<string, { residual: number; normed: boolean }>();
  residuals.forEach((r, k) => {
    if (r.sum) resultOf.set(r.sum, { residual: k, normed: false });
    if (r.normed) resultOf.set(r.normed, { residual: k, normed: true });
  });
  residuals.forEach((r) => {
    const direct = resultOf.get(r.stream);
    if (direct) {
      r.previous = direct.residual;
      r.viaNorm = direct.normed;
      return;
    }
    // Through norm ops (LayerNormalization, or its decomposition): no learned product on the way.
    const seen = new Set<string>([r.stream]);
    const queue = [r.stream];
    let best = -1;
    let visited = 0;
    while (queue.length > 0 && visited++ < LINK_SEARCH_NODES) {
      const p = index.producer.get(queue.shift()!);
      if (p === undefined || LEARNED.has(index.graph.node[p].opType ?? '')) continue;
      for (const t of index.graph.node[p].input) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        const hit = resultOf.get(t);
        if (hit) best = Math.max(best, hit.residual);
        else queue.push(t);
      }
    }
    if (best >= 0) {
      r.previous = best;
      r.viaNorm = true;
    }
  });
}

/** Residual indices of the longest chain of additions, first to last. */
function longestChain(residuals: Residual[]): number[] {
  const depth = new Int32Array(residuals.length);
  // Residuals are in topological order, so a predecessor's depth is known before its successor's.
  residuals.forEach((r, k) => (depth[k] = r.previous >= 0 ? depth[r.previous] + 1 : 1));
  let last = -1;
  for (let k = 0; k < residuals.length; k++) if (last < 0 || depth[k] > depth[last]) last = k;
  const chain: number[] = [];
  for (let k = last; k >= 0; k = residuals[k].previous) chain.push(k);
  return chain.reverse();
}

function fromResiduals(index: GraphIndex, data: Uint8Array, residuals: Residual[], chain: number[]): StructuralSites {
  const steps = chain.map((k) => residuals[k]);
  // A block starts at each addition whose branch attends; without attention, each addition is a block.
  const starts = steps.some((r) => r.attends) ? steps.flatMap((r, i) => (r.attends || i === 0 ? [i] : [])) : steps.map((_, i) => i);
  const postNorm = steps.slice(1).filter((r) => r.viaNorm).length * 2 > steps.length - 1;
  const last = steps[steps.length - 1];
  let lastOutput: string | undefined;
  let note = '';
  if (postNorm) {
    lastOutput = last.normed ?? normLike(index, data, steps, last);
    if (!lastOutput) {
      lastOutput = last.sum;
      note = '; the last block ends before its norm, which could not be matched to the earlier blocks\'';
    }
  } else {
    lastOutput = last.sum;
    if (!lastOutput && last.normed) {
      lastOutput = last.normed;
      note = `; the last block's residual sum is no tensor (a fused ${index.graph.node[last.node].opType} without its sum output), so layer${starts.length} is read after the final norm`;
    }
  }
  if (!lastOutput) throw new GrainError('the last residual addition has no output tensor to read');
  const boundaries = [...starts.map((i) => steps[i].stream), lastOutput];
  const stages = stagesFromBoundaries(index, data, boundaries);
  const via = steps.some((r) => r.normed) ? 'SkipLayerNormalization' : 'Add';
  const kind = steps.some((r) => r.attends) ? 'attention and feed-forward' : 'residual';
  return {
    boundaries,
    stages,
    detail: `residual stream: ${starts.length} blocks of ${kind} additions (${via}, ${postNorm ? 'post-norm' : 'pre-norm'}, ${steps.length} additions)${note}`,
  };
}

/**
 * The last block's output in a post-norm stack whose additions are plain Adds: the tensor that
 * follows its sum the way the earlier blocks' streams follow theirs (the same norm ops).
 */
function normLike(index: GraphIndex, data: Uint8Array, steps: Residual[], last: Residual): string | undefined {
  const previous = steps[steps.length - 2];
  if (!previous?.sum || !last.sum) return undefined;
  const want = opSignature(index, previous.sum, last.stream);
  if (want === undefined) return undefined;
  // Nodes computed from the last sum alone, without learned products (the norm, and what follows it elementwise).
  const known = new Set<string>([last.sum]);
  const frontier = [last.sum];
  const candidates: string[] = [];
  while (frontier.length > 0 && candidates.length < LINK_SEARCH_NODES) {
    for (const c of valueConsumers(index, frontier.shift()!)) {
      const node = index.graph.node[c];
      if (LEARNED.has(node.opType ?? '') || data[c] !== 1) continue;
      if (!node.input.every((t) => !t || known.has(t) || !isDataTensor(index, data, t))) continue;
      for (const o of node.output) {
        if (!o || known.has(o)) continue;
        known.add(o);
        frontier.push(o);
        candidates.push(o);
      }
    }
  }
  return candidates.find((t) => opSignature(index, last.sum!, t) === want);
}

/** The sorted op types on the data paths from `from` to `to`, or undefined when `to` is not reached. */
function opSignature(index: GraphIndex, from: string, to: string): string | undefined {
  const ops: string[] = [];
  const seen = new Set<string>([to]);
  const queue = [to];
  let reached = false;
  while (queue.length > 0 && ops.length <= LINK_SEARCH_NODES) {
    const t = queue.shift()!;
    if (t === from) {
      reached = true;
      continue;
    }
    const p = index.producer.get(t);
    if (p === undefined) continue;
    ops.push(index.graph.node[p].opType ?? '');
    for (const i of index.graph.node[p].input) {
      if (i && !seen.has(i) && (i === from || index.producer.has(i))) {
        seen.add(i);
        queue.push(i);
      }
    }
  }
  return reached ? ops.sort().join(',') : undefined;
}

/** Stacked recurrent layers: the input of the first, then what each one passes on. */
function recurrentStack(index: GraphIndex, data: Uint8Array): StructuralSites | undefined {
  const layers = index.order.filter((i) => data[i] === 1 && RECURRENT.has(index.graph.node[i].opType ?? ''));
  if (layers.length === 0) return undefined;
  const first = index.graph.node[layers[0]].input[0];
  const last = index.graph.node[layers[layers.length - 1]].output[0];
  if (!first || !last) return undefined;
  // The embeddings before, and the last output after, the transposes and squeezes that only
  // move axes for the recurrent ops (the same tensors module scopes would give).
  const boundaries = [beforeAxisMoves(index, first)];
  for (let k = 1; k < layers.length; k++) boundaries.push(index.graph.node[layers[k]].input[0]);
  boundaries.push(afterAxisMoves(index, last));
  return {
    boundaries,
    stages: stagesFromBoundaries(index, data, boundaries),
    detail: `recurrent stack: ${layers.length} ${[...new Set(layers.map((i) => index.graph.node[i].opType))].join('/')} layers`,
  };
}

const AXIS_MOVES = new Set(['Transpose', 'Squeeze', 'Unsqueeze', 'Identity']);

function beforeAxisMoves(index: GraphIndex, tensor: string): string {
  for (;;) {
    const p = index.producer.get(tensor);
    const node = p === undefined ? undefined : index.graph.node[p];
    if (!node || !AXIS_MOVES.has(node.opType ?? '') || !node.input[0]) return tensor;
    tensor = node.input[0];
  }
}

function afterAxisMoves(index: GraphIndex, tensor: string): string {
  for (;;) {
    const readers = valueConsumers(index, tensor);
    const node = readers.length === 1 ? index.graph.node[readers[0]] : undefined;
    if (!node || !AXIS_MOVES.has(node.opType ?? '') || node.input[0] !== tensor || index.outputs.has(tensor)) return tensor;
    tensor = node.output[0];
  }
}

/**
 * Stage of every node from the boundary tensors b0..bN: a node belongs to the block whose input
 * boundary is the latest it depends on (b0 -> block 0, ..., bN -> the head); the node that makes
 * b(k+1) is still in block k.
 */
function stagesFromBoundaries(index: GraphIndex, data: Uint8Array, boundaries: string[]): Stages {
  const nodes = index.graph.node;
  const levelOf = new Map(boundaries.map((t, k) => [t, k]));
  const stage = new Int32Array(nodes.length).fill(-1);
  const tensorLevel = (t: string): number => {
    const b = levelOf.get(t);
    if (b !== undefined) return b;
    const p = index.producer.get(t);
    return p === undefined || data[p] !== 1 ? -1 : stage[p];
  };
  for (const i of index.order) {
    let level = -1;
    for (const t of index.nodeInputs[i]) if (t) level = Math.max(level, tensorLevel(t));
    stage[i] = level;
  }
  const blocks = boundaries.length - 1;
  return {
    blocks,
    stage,
    family: 'residual stream',
    scopes: Array.from({ length: blocks }, (_, k) => `block ${k}`),
    families: ['residual stream'],
  };
}
