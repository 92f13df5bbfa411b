import type { GraphIndex } from './graph';
import type { NodeProto } from './types';

/**
 * Which stage of the network each node belongs to: -1 before the first repeated block
 * (embeddings), 0..N-1 inside block k, N after the last block (head). Blocks come from module
 * scopes: in node names (`/bert/encoder/layer.3/...`, `/transformer/h.0/...`), or, where the
 * names carry none, in the exporter's metadata (torch dynamo's `pkg.torch.onnx.name_scopes`).
 */
export interface Stages {
  /** Number of blocks N. */
  blocks: number;
  /** Per node index. */
  stage: Int32Array;
  /** What the blocks were recognised by, e.g. `bert.encoder.layer` (a scope family). */
  family: string;
  /** A label of each block, e.g. `bert.encoder.layer.3`. */
  scopes: string[];
  /** Every block family seen, for error messages. */
  families: string[];
}

/** Where a node's module scope is read from. */
export type ScopeSource = (node: NodeProto) => string | undefined;

const BLOCK_SCOPE = /(^|[/.])(layers|layer|h|blocks|block)\.(\d+)(?=[/.]|$)/;

/** The first block scope in a node or tensor name: its family prefix and index. */
export function blockScope(name: string): { family: string; index: number } | undefined {
  const m = BLOCK_SCOPE.exec(name);
  if (!m) return undefined;
  // `/m/layers.0/Gather` (node) and `m.layers.0.weight_cast` (weight) are the same module.
  const prefix = name.slice(0, m.index + m[1].length).replace(/\//g, '.').replace(/^\.+/, '');
  return { family: prefix + m[2], index: Number(m[3]) };
}

/** TorchScript exports name nodes by module path: `/transformer/h.0/attn/MatMul`. */
export const nodeNameScope: ScopeSource = (node) => node.name || node.output[0] || undefined;

export const DYNAMO_SCOPES_KEY = 'pkg.torch.onnx.name_scopes';

/**
 * torch's dynamo exporter names nodes `node_Add_12` and records the module path in metadata:
 * `['', 'transformer', 'transformer.h.0', 'transformer.h.0.mlp', 'add_3']`, cumulative paths from
 * the root with the node's own name last. The deepest entry that names a block is the scope.
 */
export const dynamoScope: ScopeSource = (node) => {
  const raw = node.metadataProps?.find((p) => p.key === DYNAMO_SCOPES_KEY)?.value;
  if (!raw) return undefined;
  const entries = pythonStringList(raw);
  for (let i = entries.length - 1; i >= 0; i--) if (blockScope(entries[i])) return entries[i];
  return entries.length > 0 ? entries[entries.length - 1] : undefined;
};

export function hasDynamoScopes(index: GraphIndex): boolean {
  return index.graph.node.some((n) => n.metadataProps?.some((p) => p.key === DYNAMO_SCOPES_KEY));
}

/** The strings of a Python list literal as repr() writes it: `['a', "b's"]`. */
function pythonStringList(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)) {
    out.push((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
  }
  return out;
}

export function assignStages(index: GraphIndex, isData: Uint8Array, scopeOf: ScopeSource = nodeNameScope): Stages {
  const nodes = index.graph.node;
  const scoped = nodes.map((n) => {
    const name = scopeOf(n);
    return name === undefined ? undefined : blockScope(name);
  });
  const perFamily = new Map<string, Set<number>>();
  for (const s of scoped) if (s) (perFamily.get(s.family) ?? perFamily.set(s.family, new Set()).get(s.family)!).add(s.index);
  const families = [...perFamily.keys()];
  // An encoder-decoder has two stacks; the larger (then the first seen) is the one analysed.
  let family = '';
  for (const f of families) if (!family || perFamily.get(f)!.size > perFamily.get(family)!.size) family = f;
  const indices = family ? [...perFamily.get(family)!].sort((a, b) => a - b) : [];
  const position = new Map(indices.map((v, k) => [v, k]));
  const blocks = indices.length;
  const stage = new Int32Array(nodes.length).fill(-1);
  // Unscoped nodes fed (through data) by a block belong to the head; the rest to the embeddings.
  const afterBlock = new Uint8Array(nodes.length);
  for (const i of index.order) {
    const s = scoped[i];
    if (s && s.family === family) {
      stage[i] = position.get(s.index)!;
      afterBlock[i] = 1;
      continue;
    }
    const fed = index.nodeInputs[i].some((t) => {
      const p = index.producer.get(t);
      return p !== undefined && afterBlock[p] === 1 && isData[p] === 1;
    });
    if (fed) {
      stage[i] = blocks;
      afterBlock[i] = 1;
    }
  }
  return { blocks, stage, family, scopes: indices.map((v) => `${family}.${v}`), families };
}
