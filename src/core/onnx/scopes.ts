import type { GraphIndex } from './graph';

/**
 * Which stage of the network each node belongs to: -1 before the first repeated block
 * (embeddings), 0..N-1 inside block k, N after the last block (head). Blocks come from module
 * scopes in node names (`/bert/encoder/layer.3/...`, `/transformer/h.0/...`, `/model/layers.7/...`).
 */
export interface Stages {
  /** Number of blocks N. */
  blocks: number;
  /** Per node index. */
  stage: Int32Array;
  /** The scope prefix the blocks were recognised by, e.g. `/bert/encoder/layer`. */
  family: string;
  /** Scope of each block, e.g. `/bert/encoder/layer.3`. */
  scopes: string[];
  /** Every block family seen, for error messages. */
  families: string[];
}

const BLOCK_SCOPE = /(^|[/.])(layers|layer|h|blocks|block)\.(\d+)(?=[/.]|$)/;

/** The first block scope in a node or tensor name: its family prefix and index. */
export function blockScope(name: string): { family: string; index: number } | undefined {
  const m = BLOCK_SCOPE.exec(name);
  if (!m) return undefined;
  // `/m/layers.0/Gather` (node) and `m.layers.0.weight_cast` (weight) are the same module.
  const prefix = name.slice(0, m.index + m[1].length).replace(/\//g, '.').replace(/^\.+/, '');
  return { family: prefix + m[2], index: Number(m[3]) };
}

export function assignStages(index: GraphIndex, isData: Uint8Array): Stages {
  const nodes = index.graph.node;
  const scoped = nodes.map((n) => blockScope(n.name || n.output[0] || ''));
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
