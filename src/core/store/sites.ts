import { SiteInfo } from '../activations';
import { GrainError } from '../errors';

const KINDS = new Set(['boundary', 'mlp', 'custom']);

/** Checks a site list (from a caller or from a file) so a bad one fails here, not as a wrong number later. */
export function checkSites(sites: unknown, file: string): asserts sites is SiteInfo[] {
  if (!Array.isArray(sites) || sites.length === 0) throw new GrainError('no sites (layers) described', { file });
  sites.forEach((s: Partial<SiteInfo>, i) => {
    const ok =
      s !== null &&
      typeof s === 'object' &&
      typeof s.name === 'string' &&
      KINDS.has(s.kind as string) &&
      Number.isInteger(s.width) &&
      (s.width as number) > 0 &&
      (s.tensor === undefined || typeof s.tensor === 'string');
    if (!ok) throw new GrainError(`site ${i} is malformed: ${JSON.stringify(s)}`, { file });
  });
}

/** NeuroX's own names for equal-width layers: layer 0 is the embeddings. */
export function neuroxSites(layers: number, width: number): SiteInfo[] {
  return Array.from({ length: layers }, (_, l) => ({
    name: l === 0 ? 'embeddings' : `layer${l}`,
    kind: 'boundary' as const,
    width,
  }));
}

/** NeuroX formats hold layers of one width; anything else must go to Grain's own store. */
export function requireEqualWidths(sites: SiteInfo[], file: string, format: string): number {
  const width = sites[0].width;
  if (sites.some((s) => s.width !== width)) {
    throw new GrainError(
      `${format} needs all layers to have the same width, but these sites have widths ` +
        `${sites.map((s) => `${s.name}=${s.width}`).join(', ')}; use --format grain instead`,
      { file },
    );
  }
  return width;
}
