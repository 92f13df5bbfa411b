import type { GraphProto, NodeProto } from './types';

/**
 * Producer/consumer index over one graph. Node indices refer to `graph.node`. Consumers include
 * nodes whose subgraphs (If/Loop/Scan bodies) read a tensor from the outer scope, so rewiring
 * and data-flow questions see those uses too.
 */
export interface GraphIndex {
  graph: GraphProto;
  producer: Map<string, number>;
  consumers: Map<string, number[]>;
  initializers: Set<string>;
  /** Graph inputs that are not initializers: what a caller feeds. */
  feeds: Set<string>;
  outputs: Set<string>;
  /** Every input a node reads, subgraph outer-scope reads included. */
  nodeInputs: string[][];
  /** Node indices in an order where producers come before consumers. */
  order: number[];
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  const nodeInputs = graph.node.map((n) => nodeReads(n));
  graph.node.forEach((n, i) => {
    for (const out of n.output) if (out) producer.set(out, i);
  });
  nodeInputs.forEach((inputs, i) => {
    for (const name of new Set(inputs)) {
      if (!name) continue;
      let list = consumers.get(name);
      if (!list) consumers.set(name, (list = []));
      list.push(i);
    }
  });
  const initializers = new Set(graph.initializer.map((t) => t.name ?? ''));
  const feeds = new Set(graph.input.map((v) => v.name ?? '').filter((n) => !initializers.has(n)));
  const outputs = new Set(graph.output.map((v) => v.name ?? ''));
  const index = { graph, producer, consumers, initializers, feeds, outputs, nodeInputs, order: [] as number[] };
  index.order = topologicalOrder(index);
  return index;
}

/** True when `name` is a tensor of the graph: produced by a node, an input or an initializer. */
export function hasTensor(index: GraphIndex, name: string): boolean {
  return index.producer.has(name) || index.initializers.has(name) || index.graph.input.some((v) => v.name === name);
}

function nodeReads(node: NodeProto): string[] {
  const reads = [...node.input];
  for (const attr of node.attribute) {
    for (const g of attr.g ? [attr.g, ...attr.graphs] : attr.graphs) reads.push(...outerReads(g));
  }
  return reads;
}

/** Names a subgraph reads but does not define itself: its outer-scope inputs. */
function outerReads(graph: GraphProto): string[] {
  const defined = new Set<string>([
    ...graph.input.map((v) => v.name ?? ''),
    ...graph.initializer.map((t) => t.name ?? ''),
  ]);
  for (const n of graph.node) for (const o of n.output) defined.add(o);
  const reads: string[] = [];
  for (const n of graph.node) for (const r of nodeReads(n)) if (r && !defined.has(r)) reads.push(r);
  for (const o of graph.output) if (o.name && !defined.has(o.name)) reads.push(o.name);
  return reads;
}

/** Kahn's algorithm, stable with respect to file order; nodes in a cycle are appended last. */
function topologicalOrder(index: GraphIndex): number[] {
  const n = index.graph.node.length;
  const pending = new Int32Array(n);
  index.nodeInputs.forEach((inputs, i) => {
    for (const name of new Set(inputs)) if (index.producer.has(name) && index.producer.get(name) !== i) pending[i]++;
  });
  const order: number[] = [];
  const ready: number[] = [];
  for (let i = n - 1; i >= 0; i--) if (pending[i] === 0) ready.push(i);
  const seen = new Uint8Array(n);
  while (ready.length > 0) {
    const i = ready.pop()!;
    seen[i] = 1;
    order.push(i);
    const next: number[] = [];
    for (const out of index.graph.node[i].output) {
      for (const c of index.consumers.get(out) ?? []) if (c !== i && --pending[c] === 0) next.push(c);
    }
    next.sort((a, b) => b - a);
    ready.push(...next);
  }
  for (let i = 0; i < n; i++) if (!seen[i]) order.push(i);
  return order;
}
