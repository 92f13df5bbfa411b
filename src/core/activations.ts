/**
 * In-memory activations, laid out as NeuroX does: one row per token (word or subword),
 * sentences concatenated in order; one column per neuron. Columns are grouped in sites
 * (embeddings, layer1, ..., or MLP activations), neuron id = offset of its site + unit,
 * which for equal widths is layer * hidden + unit with layer 0 = embeddings.
 * No per-element objects: a flat token list plus one Float32Array.
 */
export type SiteKind = 'boundary' | 'mlp' | 'custom';

export interface SiteInfo {
  /** Display name: `embeddings`, `layer1`, ..., `mlp1`, ... or the user's own. */
  name: string;
  kind: SiteKind;
  /** Number of neurons (units) at this site. */
  width: number;
  /** The graph tensor it was read from, when it came from a model. */
  tensor?: string;
}

export interface ActivationMatrix {
  sites: SiteInfo[];
  /** Sum of site widths: the row length of `data`. */
  neurons: number;
  /** One token per row. */
  tokens: string[];
  /** Row index where each sentence starts; length = sentences + 1, last = rows. */
  sentenceOffsets: Uint32Array;
  /** rows x neurons, row-major. */
  data: Float32Array;
}

export function rowCount(m: ActivationMatrix): number {
  return m.sentenceOffsets[m.sentenceOffsets.length - 1];
}
