import { GrainError } from '../errors';
import { isDataTensor, valueConsumers } from './dataflow';
import type { GraphIndex } from './graph';
import type { Stages } from './scopes';

/** Activation functions exported as one op (standard and com.microsoft fused forms). */
const ACTIVATION_OPS = new Set(['Gelu', 'FastGelu', 'BiasGelu', 'QuickGelu', 'Relu', 'Silu', 'Swish', 'Mish', 'Elu', 'Selu', 'LeakyRelu', 'Softplus']);
/** The one transcendental op at the heart of a decomposed activation: erf/tanh GELU, x*sigmoid(x). */
const ACTIVATION_CORES = new Set(['Erf', 'Tanh', 'Sigmoid']);
const ELEMENTWISE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Cast', 'Neg', 'Identity']);
const MLP_NAME = /mlp|ffn|feed_?forward|intermediate|fc|dense|act/i;

/**
 * The feed-forward activation output of each block: [mlp1..mlpN]. For gated MLPs (SwiGLU,
 * GeGLU) the site is the product act(gate) * up, which is what the down projection reads.
 */
export function findMlpSites(index: GraphIndex, data: Uint8Array, stages: Stages, file?: string): string[] {
  if (stages.blocks === 0) {
    throw new GrainError('the model has no repeated transformer blocks, so it has no MLP sites; use sites "layers"', { file });
  }
  const perBlock: string[][] = Array.from({ length: stages.blocks }, () => []);
  const nodes = index.graph.node;
  for (let i = 0; i < nodes.length; i++) {
    const k = stages.stage[i];
    if (k < 0 || k >= stages.blocks || data[i] !== 1) continue;
    const out = activationOutput(index, data, i);
    if (out) perBlock[k].push(gatedProduct(index, data, out) ?? out);
  }
  const missing = perBlock.flatMap((found, k) => (found.length === 0 ? [stages.scopes[k]] : []));
  if (missing.length === stages.blocks) {
    throw new GrainError(
      `no feed-forward activation (Gelu, Relu, erf/tanh GELU, SiLU) in any block of ${stages.family}.N; ` +
        'recurrent models (LSTM, GRU) have no MLP sites: use sites "layers", or name tensors in grain.json',
      { file },
    );
  }
  if (missing.length > 0) {
    throw new GrainError(`no feed-forward activation found in ${missing.join(', ')}; name the MLP tensors in grain.json`, { file });
  }
  return perBlock.map((found, k) => pickOne(found, stages.scopes[k], file));
}

function pickOne(found: string[], scope: string, file?: string): string {
  const unique = [...new Set(found)];
  if (unique.length === 1) return unique[0];
  const named = unique.filter((t) => MLP_NAME.test(t));
  if (named.length === 1) return named[0];
  throw new GrainError(
    `block ${scope} has several activation outputs (${unique.join(', ')}); name the MLP tensor in grain.json`,
    { file },
  );
}

/** The tensor an activation leaves in, or undefined if node `i` does not start one. */
function activationOutput(index: GraphIndex, data: Uint8Array, i: number): string | undefined {
  const node = index.graph.node[i];
  const op = node.opType ?? '';
  if (ACTIVATION_OPS.has(op)) return node.output[0];
  if (!ACTIVATION_CORES.has(op)) return undefined;
  const region = patternRegion(index, node.input[0], 8);
  let tensor = node.output[0];
  let sawAdd = false;
  let sawMul = false;
  for (;;) {
    const readers = valueConsumers(index, tensor);
    if (readers.length !== 1) break;
    const next = index.graph.node[readers[0]];
    const other = next.input.find((t) => t !== tensor);
    if (next.opType === 'Add' && other !== undefined && !isDataTensor(index, data, other) && !sawMul) sawAdd = true;
    else if (next.opType === 'Mul' && other !== undefined && fromRegion(index, data, other, region)) sawMul = true;
    else break;
    tensor = next.output[0];
  }
  // erf/tanh must come as 0.5*x*(1+core(..)); sigmoid as x*sigmoid(x). Anything else is a gate.
  if (op === 'Sigmoid' ? sawMul : sawAdd && sawMul) return tensor;
  return undefined;
}

/** If the activation only feeds a product with another branch (act(gate) * up), that product. */
function gatedProduct(index: GraphIndex, data: Uint8Array, act: string): string | undefined {
  const readers = valueConsumers(index, act);
  if (readers.length !== 1) return undefined;
  const next = index.graph.node[readers[0]];
  if (next.opType !== 'Mul') return undefined;
  const other = next.input.find((t) => t !== act);
  return other !== undefined && isDataTensor(index, data, other) ? next.output[0] : undefined;
}

/** The activation's input and what it is computed from elementwise (x, x/sqrt2, x^3, ...). */
function patternRegion(index: GraphIndex, tensor: string, depth: number, into = new Set<string>()): Set<string> {
  into.add(tensor);
  const p = index.producer.get(tensor);
  if (depth === 0 || p === undefined) return into;
  const node = index.graph.node[p];
  if (!ELEMENTWISE.has(node.opType ?? '')) return into;
  for (const t of node.input) if (t && !into.has(t)) patternRegion(index, t, depth - 1, into);
  return into;
}

/** A constant, the pattern's own input, or an elementwise function of it (e.g. 0.5*x). */
function fromRegion(index: GraphIndex, data: Uint8Array, tensor: string, region: Set<string>): boolean {
  if (!isDataTensor(index, data, tensor) || region.has(tensor)) return true;
  const p = index.producer.get(tensor);
  if (p === undefined) return false;
  const node = index.graph.node[p];
  if (!ELEMENTWISE.has(node.opType ?? '')) return false;
  return node.input.every((t) => !t || !isDataTensor(index, data, t) || region.has(t));
}
