import { GrainError } from '../errors';
import { hasTensor, indexGraph, type GraphIndex } from './graph';
import { onnxType, type OnnxModel } from './proto';
import { inferElemTypes } from './elem-types';
import { DataType, type NodeProto } from './types';
import { ChunkWriter, fieldString, LEN, scanFields } from './wire';

/** ModelProto.graph, GraphProto.node/input/output, NodeProto.input/output. */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const VALUE_INFO_NAME = 1;

/** Edits applied while copying the graph's fields. */
interface GraphEdit {
  /** Per node index: renamed outputs. */
  nodeOutputs: Map<number, Map<string, string>>;
  /** Per node index: its whole output list, replacing the one it has (optional outputs made real). */
  outputLists: Map<number, string[]>;
  /** Renamed inputs, applied to every node of the top-level graph. */
  nodeInputs: Map<string, string>;
  /** Renamed graph outputs. */
  graphOutputs: Map<string, string>;
  /** Encoded NodeProtos to place after node i (-1: before the first node). */
  insertAfter: Map<number, Uint8Array[]>;
  /** Nodes left out (their replacements are in insertAfter). */
  drop: Set<number>;
  /** [field number, encoded message] appended to the graph. */
  append: [number, Uint8Array][];
}

function emptyEdit(): GraphEdit {
  return { nodeOutputs: new Map(), outputLists: new Map(), nodeInputs: new Map(), graphOutputs: new Map(), insertAfter: new Map(), drop: new Set(), append: [] };
}

/**
 * A new serialized model where the given nodes have the given output lists (e.g. an optional
 * output that was left out, now named so it can be read). Only extends: existing names stay.
 */
export function setNodeOutputs(model: OnnxModel, lists: Map<number, string[]>): Uint8Array {
  const edit = emptyEdit();
  for (const [node, outputs] of lists) {
    const had = model.graph.node[node]?.output ?? [];
    if (had.some((o, k) => o && outputs[k] !== o)) throw new Error(`setNodeOutputs: node ${node} would lose an output`);
    edit.outputLists.set(node, outputs);
  }
  return rewriteModel(model, edit);
}

/**
 * A new serialized model whose graph also outputs `tensors` (the model object is unchanged).
 * Tensors that are already outputs are kept once. Declared type: the element type the graph
 * gives the tensor, else float; no shape, so ORT takes it from inference.
 */
export function addOutputs(model: OnnxModel, tensors: string[]): Uint8Array {
  const index = indexGraph(model.graph);
  const types = inferElemTypes(index);
  const edit = emptyEdit();
  const added = new Set<string>();
  for (const tensor of tensors) {
    requireTensor(model, index, tensor);
    if (index.outputs.has(tensor) || added.has(tensor)) continue;
    added.add(tensor);
    edit.append.push([GRAPH_OUTPUT, encode('ValueInfoProto', valueInfo(tensor, types.get(tensor) ?? DataType.FLOAT))]);
  }
  return rewriteModel(model, edit);
}

/** Float types Grain reads by casting them to float32 inside the graph. */
const CAST_TO_FLOAT32 = new Set<number>([DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE]);

/**
 * Like addOutputs, but every tensor is read as float32: float16, bfloat16 and double tensors
 * (fp16 exports) get a Cast node after their producer, and `names[i]` is the output that holds
 * `tensors[i]` in float32 (the tensor itself when it is float32 already).
 */
export function addFloat32Outputs(model: OnnxModel, tensors: string[]): { bytes: Uint8Array; names: string[] } {
  const index = indexGraph(model.graph);
  const types = inferElemTypes(index);
  const edit = emptyEdit();
  const added = new Map<string, string>();
  const taken = new Set<string>();
  const names = tensors.map((tensor) => {
    requireTensor(model, index, tensor);
    const known = added.get(tensor);
    if (known) return known;
    let name = tensor;
    if (CAST_TO_FLOAT32.has(types.get(tensor) ?? DataType.FLOAT)) {
      name = freshName(index, taken, `${tensor}/grain_float32`);
      pushTo(edit.insertAfter, index.producer.get(tensor) ?? -1, castNode(tensor, DataType.FLOAT, name));
    }
    added.set(tensor, name);
    if (!index.outputs.has(name)) edit.append.push([GRAPH_OUTPUT, encode('ValueInfoProto', valueInfo(name, DataType.FLOAT))]);
    return name;
  });
  return { bytes: rewriteModel(model, edit), names };
}

export interface MaskSpec {
  /** The tensor whose last axis is masked. */
  tensor: string;
  /** Its last dimension (number of units). */
  width: number;
  /** Name of the new float input [width]: 1 keeps a unit, 0 ablates it. */
  maskName: string;
}

/**
 * A new serialized model where each `tensor` is multiplied by a mask input before anything
 * reads it. For a tensor a node produces, that node's output is renamed and the product takes
 * the tensor's name, so every reader (subgraphs included) and a graph output of that name see
 * the masked values.
 *
 * The mask is a required float input [width]: feed ones for an unablated run. It is not also an
 * initializer of ones: onnxruntime-node 1.30 binds only `session.inputNames`, which leaves out
 * initializers listed as inputs, so such a feed would be silently ignored (tested).
 */
export function addMaskInputs(model: OnnxModel, masks: MaskSpec[]): Uint8Array {
  const index = indexGraph(model.graph);
  const types = inferElemTypes(index);
  const edit = emptyEdit();
  const taken = new Set<string>();
  const fresh = (base: string) => freshName(index, taken, base);
  const masked = new Set<string>();
  for (const m of masks) {
    validateMask(model, index, m, masked, taken);
    masked.add(m.tensor);
    taken.add(m.maskName);
    const p = index.producer.get(m.tensor);
    const at = p ?? -1;
    // A float16 site is multiplied by its mask cast to float16 (Mul needs one type).
    const type = types.get(m.tensor) ?? DataType.FLOAT;
    let mask = m.maskName;
    if (type !== DataType.FLOAT) {
      mask = fresh(`${m.maskName}/grain_cast`);
      pushTo(edit.insertAfter, at, castNode(m.maskName, type, mask));
    }
    const node = p === undefined ? undefined : model.graph.node[p];
    if (p !== undefined && node && SKIP_NORMS.has(node.opType ?? '') && node.output.indexOf(m.tensor) === SKIP_SUM_OUTPUT) {
      unfuseMaskedSum(node, p, m.tensor, mask, m.maskName, edit, fresh);
    } else if (p !== undefined) {
      const unmasked = fresh(`${m.tensor}/grain_unmasked`);
      (edit.nodeOutputs.get(p) ?? edit.nodeOutputs.set(p, new Map()).get(p)!).set(m.tensor, unmasked);
      pushTo(edit.insertAfter, p, mulNode(unmasked, mask, m.tensor, m.maskName));
    } else {
      const out = fresh(`${m.tensor}/grain_masked`);
      rejectSubgraphReaders(model, index, m.tensor);
      edit.nodeInputs.set(m.tensor, out);
      if (index.outputs.has(m.tensor)) edit.graphOutputs.set(m.tensor, out);
      pushTo(edit.insertAfter, -1, mulNode(m.tensor, mask, out, m.maskName));
    }
    edit.append.push([GRAPH_INPUT, encode('ValueInfoProto', valueInfo(m.maskName, DataType.FLOAT, [m.width]))]);
  }
  return rewriteModel(model, edit);
}

const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);
const SKIP_SUM_OUTPUT = 3;

/**
 * A fused SkipLayerNormalization computes its normalized output from the residual sum inside
 * the op, so masking its sum output would not reach the next block's norm. The node is replaced
 * by the sum (input + skip + bias), the mask, and the same op normalizing the masked sum (with a
 * zero skip), so every reader of either output sees the ablated stream.
 */
function unfuseMaskedSum(node: NodeProto, at: number, sum: string, mask: string, maskName: string, edit: GraphEdit, fresh: (base: string) => string): void {
  // SkipLayerNormalization(input, skip, gamma, beta, bias); SkipSimplifiedLayerNormalization(input, skip, gamma, bias).
  const simplified = node.opType === 'SkipSimplifiedLayerNormalization';
  const [input, skip, gamma] = node.input;
  const beta = simplified ? undefined : node.input[3];
  const bias = simplified ? node.input[3] : node.input[4];
  const added = fresh(`${sum}/grain_skip_add`);
  const nodes = [encode('NodeProto', { input: [input, skip], output: [added], name: `grain/unfuse/${added}`, opType: 'Add' })];
  let unmasked = added;
  if (bias) {
    unmasked = fresh(`${sum}/grain_bias_add`);
    nodes.push(encode('NodeProto', { input: [added, bias], output: [unmasked], name: `grain/unfuse/${unmasked}`, opType: 'Add' }));
  }
  nodes.push(mulNode(unmasked, mask, sum, maskName));
  const zeros = fresh(`${sum}/grain_zero_skip`);
  nodes.push(encode('NodeProto', { input: [sum, sum], output: [zeros], name: `grain/unfuse/${zeros}`, opType: 'Sub' }));
  const outputs = node.output.slice(0, SKIP_SUM_OUTPUT);
  nodes.push(encode('NodeProto', { ...node, input: beta ? [sum, zeros, gamma, beta] : [sum, zeros, gamma], output: outputs }));
  edit.drop.add(at);
  for (const n of nodes) pushTo(edit.insertAfter, at, n);
}

function freshName(index: GraphIndex, taken: Set<string>, base: string): string {
  let name = base;
  for (let k = 2; hasTensor(index, name) || taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}

function validateMask(model: OnnxModel, index: GraphIndex, m: MaskSpec, masked: Set<string>, taken: Set<string>): void {
  const where = { file: model.file };
  requireTensor(model, index, m.tensor);
  if (!Number.isInteger(m.width) || m.width < 1) {
    throw new GrainError(`mask for '${m.tensor}': width must be a positive integer, not ${m.width}`, where);
  }
  if (masked.has(m.tensor)) throw new GrainError(`tensor '${m.tensor}' is masked twice`, where);
  if (!m.maskName || hasTensor(index, m.maskName) || taken.has(m.maskName)) {
    throw new GrainError(`mask input name '${m.maskName}' is empty or already used in the model`, where);
  }
}

function requireTensor(model: OnnxModel, index: GraphIndex, tensor: string): void {
  if (!hasTensor(index, tensor)) {
    throw new GrainError(`tensor '${tensor}' is not in the model (no node output, input or initializer has that name)`, {
      file: model.file,
    });
  }
}

function rejectSubgraphReaders(model: OnnxModel, index: GraphIndex, tensor: string): void {
  for (const c of index.consumers.get(tensor) ?? []) {
    const node = model.graph.node[c];
    if (!node.input.includes(tensor)) {
      throw new GrainError(`cannot mask '${tensor}': a subgraph of node '${node.name}' reads it`, { file: model.file });
    }
  }
}

function pushTo(map: Map<number, Uint8Array[]>, key: number, value: Uint8Array): void {
  (map.get(key) ?? map.set(key, []).get(key)!).push(value);
}

function mulNode(input: string, mask: string, output: string, maskName: string): Uint8Array {
  return encode('NodeProto', { input: [input, mask], output: [output], name: `grain/mask/${maskName}`, opType: 'Mul' });
}

function castNode(input: string, to: number, output: string): Uint8Array {
  return encode('NodeProto', { input: [input], output: [output], name: `grain/cast/${output}`, opType: 'Cast', attribute: [{ name: 'to', type: 2, i: to }] });
}

function valueInfo(name: string, elemType: number, dims?: number[]): object {
  const shape = dims ? { shape: { dim: dims.map((d) => ({ dimValue: d })) } } : {};
  return { name, type: { tensorType: { elemType, ...shape } } };
}

function encode(type: string, value: object): Uint8Array {
  const t = onnxType(type);
  return t.encode(t.fromObject(value)).finish();
}

function rewriteModel(model: OnnxModel, edit: GraphEdit): Uint8Array {
  const bytes = model.bytes;
  const out = new ChunkWriter();
  let done = false;
  for (const f of scanFields(bytes)) {
    if (f.no === MODEL_GRAPH && f.wireType === LEN && !done) {
      out.message(MODEL_GRAPH, rewriteGraph(bytes, f.valueStart, f.end, edit));
      done = true;
    } else {
      out.copy(bytes, f);
    }
  }
  return out.finish();
}

function rewriteGraph(bytes: Uint8Array, start: number, end: number, edit: GraphEdit): Uint8Array {
  const out = new ChunkWriter();
  let node = 0;
  const insert = (i: number) => {
    for (const n of edit.insertAfter.get(i) ?? []) out.message(GRAPH_NODE, n);
  };
  for (const f of scanFields(bytes, start, end)) {
    if (f.no === GRAPH_NODE && f.wireType === LEN) {
      if (node === 0) insert(-1);
      const outputs = edit.nodeOutputs.get(node);
      const list = edit.outputLists.get(node);
      if (edit.drop.has(node)) {
        // replaced by the nodes inserted after it
      } else if (list) {
        out.message(GRAPH_NODE, replaceOutputs(bytes, f.valueStart, f.end, list));
      } else if (outputs || edit.nodeInputs.size > 0) {
        out.message(GRAPH_NODE, renameInNode(bytes, f.valueStart, f.end, edit.nodeInputs, outputs));
      } else {
        out.copy(bytes, f);
      }
      insert(node++);
    } else if (f.no === GRAPH_OUTPUT && f.wireType === LEN && edit.graphOutputs.size > 0) {
      out.message(GRAPH_OUTPUT, renameFields(bytes, f.valueStart, f.end, VALUE_INFO_NAME, edit.graphOutputs));
    } else {
      out.copy(bytes, f);
    }
  }
  for (const [no, payload] of edit.append) out.message(no, payload);
  return out.finish();
}

function renameInNode(
  bytes: Uint8Array,
  start: number,
  end: number,
  inputs: Map<string, string>,
  outputs: Map<string, string> | undefined,
): Uint8Array {
  const out = new ChunkWriter();
  for (const f of scanFields(bytes, start, end)) {
    const map = f.wireType !== LEN ? undefined : f.no === NODE_INPUT ? inputs : f.no === NODE_OUTPUT ? outputs : undefined;
    const renamed = map?.get(fieldString(bytes, f));
    if (renamed !== undefined) out.string(f.no, renamed);
    else out.copy(bytes, f);
  }
  return out.finish();
}

function replaceOutputs(bytes: Uint8Array, start: number, end: number, outputs: string[]): Uint8Array {
  const out = new ChunkWriter();
  for (const f of scanFields(bytes, start, end)) if (!(f.no === NODE_OUTPUT && f.wireType === LEN)) out.copy(bytes, f);
  for (const o of outputs) out.string(NODE_OUTPUT, o);
  return out.finish();
}

function renameFields(bytes: Uint8Array, start: number, end: number, no: number, names: Map<string, string>): Uint8Array {
  const out = new ChunkWriter();
  for (const f of scanFields(bytes, start, end)) {
    const renamed = f.no === no && f.wireType === LEN ? names.get(fieldString(bytes, f)) : undefined;
    if (renamed !== undefined) out.string(f.no, renamed);
    else out.copy(bytes, f);
  }
  return out.finish();
}
