import type { GraphIndex } from './graph';

/** Ops whose outputs describe a tensor's shape, not its values. */
export const SHAPE_OPS = new Set(['Shape', 'Size']);

/**
 * Per node: 1 when its outputs carry values computed from what the caller feeds (not from
 * constants or shapes alone). Activations live only on such tensors; masks built from
 * shapes, weight transposes and Constant outputs do not.
 */
export function dataNodes(index: GraphIndex): Uint8Array {
  const nodes = index.graph.node;
  const data = new Uint8Array(nodes.length);
  for (const i of index.order) {
    if (SHAPE_OPS.has(nodes[i].opType ?? '')) continue;
    const reads = index.nodeInputs[i].some((t) => {
      if (index.feeds.has(t)) return true;
      const p = index.producer.get(t);
      return p !== undefined && data[p] === 1;
    });
    if (reads) data[i] = 1;
  }
  return data;
}

export function isDataTensor(index: GraphIndex, data: Uint8Array, tensor: string): boolean {
  if (index.feeds.has(tensor)) return true;
  const p = index.producer.get(tensor);
  return p !== undefined && data[p] === 1;
}

/** Consumers that read a tensor's values (shape queries excluded). */
export function valueConsumers(index: GraphIndex, tensor: string): number[] {
  return (index.consumers.get(tensor) ?? []).filter((c) => !SHAPE_OPS.has(index.graph.node[c].opType ?? ''));
}
