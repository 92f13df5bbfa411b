import { decodeOnnxModel, onnxType, type OnnxModel } from './proto';
import { DataType } from './types';
import { ChunkWriter, fieldString, LEN, scanFields, type WireField } from './wire';

/** ModelProto.graph; GraphProto node/initializer/input/output/value_info/sparse_initializer; NodeProto.attribute; AttributeProto name/g. */
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13, sparseInitializer: 15 };
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_GRAPH = 6;
const VALUE_INFO_NAME = 1;

/** The input of optimum's merged decoders that picks the branch with past key values. */
const USE_CACHE = /^use_cache_branch$/;

export interface InlinedBranch {
  model: OnnxModel;
  /** What was done, in words, for `grain inspect` and logs. */
  note: string;
}

/**
 * optimum's merged decoder (decoder_model_merged.onnx) is one If node on `use_cache_branch`
 * whose branches hold the decoder with and without past key values; the layers live inside the
 * branches, out of reach of graph outputs. Grain starts every sentence without a past, so the
 * else branch (use_cache_branch = false) is what runs: this returns the model with that branch's
 * nodes in place of the If and without the `use_cache_branch` input, which computes exactly
 * what the If computes when fed false. Undefined for any other model.
 */
export function inlineNoCacheBranch(model: OnnxModel): InlinedBranch | undefined {
  const graph = model.graph;
  const flag = graph.input.find((v) => USE_CACHE.test(v.name ?? '') && v.type?.tensorType?.elemType === DataType.BOOL)?.name;
  if (!flag) return undefined;
  const ifNode = graph.node.findIndex((n) => n.opType === 'If' && n.input[0] === flag);
  if (ifNode < 0) return undefined;
  const branch = graph.node[ifNode].attribute.find((a) => a.name === 'else_branch')?.g;
  if (!branch) return undefined;
  const ifOutputs = graph.node[ifNode].output;
  const identities = branch.output.flatMap((o, k) =>
    o.name && ifOutputs[k] && o.name !== ifOutputs[k] ? [encodeNode({ name: `grain/branch/${ifOutputs[k]}`, opType: 'Identity', input: [o.name], output: [ifOutputs[k]] })] : [],
  );

  const bytes = model.bytes;
  const out = new ChunkWriter();
  for (const f of scanFields(bytes)) {
    if (f.no === MODEL_GRAPH && f.wireType === LEN) out.message(MODEL_GRAPH, rewriteGraph(bytes, f, ifNode, flag, identities));
    else out.copy(bytes, f);
  }
  const inlined = decodeOnnxModel(out.finish(), model.file);
  return {
    model: inlined,
    note: `merged decoder: the If on '${flag}' is replaced by its no-past branch (${branch.node.length} nodes), which is what runs when '${flag}' is false`,
  };
}

function rewriteGraph(bytes: Uint8Array, graphField: WireField, ifNode: number, flag: string, identities: Uint8Array[]): Uint8Array {
  const out = new ChunkWriter();
  const appended: WireField[] = [];
  let branchBytes: { start: number; end: number } | undefined;
  let node = 0;
  for (const f of scanFields(bytes, graphField.valueStart, graphField.end)) {
    if (f.no === GRAPH.node && f.wireType === LEN) {
      if (node++ !== ifNode) {
        out.copy(bytes, f);
        continue;
      }
      branchBytes = elseBranch(bytes, f);
      for (const g of scanFields(bytes, branchBytes!.start, branchBytes!.end)) {
        if (g.no === GRAPH.node && g.wireType === LEN) out.copy(bytes, g);
        else if (g.wireType === LEN && (g.no === GRAPH.initializer || g.no === GRAPH.sparseInitializer || g.no === GRAPH.valueInfo)) appended.push(g);
      }
      for (const n of identities) out.message(GRAPH.node, n);
    } else if (f.no === GRAPH.input && f.wireType === LEN && nameOf(bytes, f) === flag) {
      continue;
    } else {
      out.copy(bytes, f);
    }
  }
  for (const g of appended) out.copy(bytes, g);
  return out.finish();
}

/** The byte range of the else_branch GraphProto inside an If NodeProto field. */
function elseBranch(bytes: Uint8Array, nodeField: WireField): { start: number; end: number } | undefined {
  for (const a of scanFields(bytes, nodeField.valueStart, nodeField.end)) {
    if (a.no !== NODE_ATTRIBUTE || a.wireType !== LEN) continue;
    let name = '';
    let graph: WireField | undefined;
    for (const f of scanFields(bytes, a.valueStart, a.end)) {
      if (f.no === ATTRIBUTE_NAME && f.wireType === LEN) name = fieldString(bytes, f);
      else if (f.no === ATTRIBUTE_GRAPH && f.wireType === LEN) graph = f;
    }
    if (name === 'else_branch' && graph) return { start: graph.valueStart, end: graph.end };
  }
  return undefined;
}

function nameOf(bytes: Uint8Array, valueInfo: WireField): string | undefined {
  for (const f of scanFields(bytes, valueInfo.valueStart, valueInfo.end)) if (f.no === VALUE_INFO_NAME && f.wireType === LEN) return fieldString(bytes, f);
  return undefined;
}

function encodeNode(value: object): Uint8Array {
  const t = onnxType('NodeProto');
  return t.encode(t.fromObject(value)).finish();
}
