import { GrainError } from '../errors';

/**
 * Which of a model's sites to extract, in NeuroX's terms: `ignoreEmbeddings` is its extractor's
 * `include_embeddings=False` (the embeddings output left out, so NeuroX's layer 0 is the first
 * block); `layers` its writer's `filter_layers`: layer indices into what is left (or Grain's
 * site names), written in the order given.
 */
export interface LayerFilter {
  layers?: readonly string[];
  ignoreEmbeddings?: boolean;
}

export interface SelectedSite<S> {
  site: S;
  /** The site's layer index as NeuroX numbers it: its place after the embeddings are left out, before the filter. */
  neuroxIndex: number;
}

/** The sites a filter keeps, in the order it gives them; every name or index that matches none is an error. */
export function selectSites<S extends { name: string }>(sites: readonly S[], filter: LayerFilter | undefined, file?: string): SelectedSite<S>[] {
  const kept = filter?.ignoreEmbeddings ? sites.filter((s) => s.name !== 'embeddings') : sites.slice();
  if (filter?.ignoreEmbeddings && kept.length === sites.length) {
    throw new GrainError(`no 'embeddings' site to leave out (sites: ${sites.map((s) => s.name).join(', ')})`, { file });
  }
  const indexed = kept.map((site, neuroxIndex) => ({ site, neuroxIndex }));
  if (!filter?.layers) return indexed;
  if (filter.ignoreEmbeddings) {
    // NeuroX refuses the pair (its indices would shift); a list of layers already says what to keep.
    throw new GrainError('--layers and --ignore-embeddings cannot be used together (NeuroX refuses them together too): list the layers to keep');
  }
  if (filter.layers.length === 0) throw new GrainError('--layers lists no layer');
  const seen = new Set<number>();
  return filter.layers.map((want) => {
    const k = /^\d+$/.test(want) ? Number(want) : indexed.findIndex((s) => s.site.name === want);
    if (!(k >= 0 && k < indexed.length)) {
      throw new GrainError(
        `no layer '${want}': give site names (${indexed.map((s) => s.site.name).join(', ')}) or NeuroX layer indices 0-${indexed.length - 1}`,
        { file },
      );
    }
    if (seen.has(k)) throw new GrainError(`layer '${want}' is listed twice in --layers`);
    seen.add(k);
    return indexed[k];
  });
}
