import { indexGraph } from './graph';
import type { OnnxModel } from './proto';

/** Ops that pass token ids through unchanged in value. */
const ID_PASS = new Set(['Cast', 'Identity', 'Unsqueeze', 'Squeeze', 'Reshape', 'Flatten']);
/** Ops that pass a weight table through unchanged in shape (fp16 casts, dequantization). */
const TABLE_PASS = new Set(['Cast', 'Identity', 'DequantizeLinear']);

/**
 * The token embedding table that input_ids index: rows = the largest id + 1 the model can take.
 * Found as a Gather (or a fused EmbedLayerNormalization) whose indices come from the ids input
 * and whose table is a weight. Undefined when the graph embeds ids some other way.
 */
export function embeddingTable(model: OnnxModel, idsInput: string): { tensor: string; rows: number } | undefined {
  const index = indexGraph(model.graph);
  const dims = new Map(model.graph.initializer.map((t) => [t.name ?? '', t.dims]));
  const ids = new Set<string>([idsInput]);
  for (const i of index.order) {
    const node = index.graph.node[i];
    const op = node.opType ?? '';
    if (ID_PASS.has(op) && ids.has(node.input[0])) {
      for (const o of node.output) ids.add(o);
      continue;
    }
    const [tableInput, indices] = op === 'Gather' ? [node.input[0], node.input[1]] : op === 'EmbedLayerNormalization' ? [node.input[2], node.input[0]] : [];
    if (!tableInput || !indices || !ids.has(indices)) continue;
    const table = weightOf(index, tableInput, dims);
    if (table) return table;
  }
  return undefined;
}

function weightOf(index: ReturnType<typeof indexGraph>, tensor: string, dims: Map<string, number[]>): { tensor: string; rows: number } | undefined {
  for (let t = tensor, depth = 0; depth < 4; depth++) {
    const d = dims.get(t);
    if (d) return d.length === 2 && d[0] > 0 ? { tensor, rows: d[0] } : undefined;
    const p = index.producer.get(t);
    const node = p === undefined ? undefined : index.graph.node[p];
    if (!node || !TABLE_PASS.has(node.opType ?? '')) return undefined;
    t = node.input[0];
  }
  return undefined;
}
