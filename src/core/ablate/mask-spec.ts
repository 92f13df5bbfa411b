import { GrainError } from '../errors';

/** A site as ablation sees it: its name and number of units. */
export interface SiteRef {
  name: string;
  width: number;
}

/** Units of one site to zero, sorted, without repeats. */
export interface UnitSelection {
  site: number;
  units: Int32Array;
}

/** Which units to zero, site by site; sites not listed are left alone. */
export interface Ablation {
  selections: UnitSelection[];
}

function siteNames(sites: readonly SiteRef[]): string {
  return sites.map((s) => `${s.name} (0-${s.width - 1})`).join(', ');
}

const INTEGER = /^\d+$/;

/** One `site:units` part of a mask spec, as written: inclusive unit ranges. */
interface MaskPart {
  site: string;
  ranges: [number, number][];
}

/**
 * The grammar of a mask spec alone, without a model: `layer1:0-49`, `embeddings:0,2,4`,
 * `layer1:0-49;layer2:3` (sites separated by `;`, units by `,`, inclusive ranges with `-`).
 * The CLI checks it before loading anything; parseMaskSpec then resolves it against the sites.
 */
export function parseMaskSyntax(spec: string): MaskPart[] {
  const fail = (why: string) => new GrainError(`mask spec '${spec}': ${why}`);
  const parts = spec.split(';').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw fail('it is empty; write site:units, e.g. layer1:0-49');
  return parts.map((part) => {
    const colon = part.indexOf(':');
    if (colon < 0) throw fail(`'${part}' has no ':'; write site:units, e.g. layer1:0-49`);
    const site = part.slice(0, colon).trim();
    const ranges = part
      .slice(colon + 1)
      .split(',')
      .map((item): [number, number] => {
        const range = item.split('-').map((x) => x.trim());
        if (range.length > 2 || !range.every((x) => INTEGER.test(x))) {
          throw fail(`'${item.trim()}' is not a unit or a range of units (e.g. 7 or 0-49) of ${site}`);
        }
        const [lo, hi] = [Number(range[0]), Number(range[range.length - 1])];
        if (lo > hi) throw fail(`range ${item.trim()} of ${site} runs backwards`);
        return [lo, hi];
      });
    return { site, ranges };
  });
}

/** A mask spec resolved against a model's sites; a site named twice gets the union of its units. */
export function parseMaskSpec(spec: string, sites: readonly SiteRef[]): Ablation {
  const fail = (why: string) => new GrainError(`mask spec '${spec}': ${why}`);
  const perSite = new Map<number, Set<number>>();
  for (const part of parseMaskSyntax(spec)) {
    const site = sites.findIndex((s) => s.name === part.site);
    if (site < 0) throw fail(`unknown site '${part.site}'; the sites are ${siteNames(sites)}`);
    const width = sites[site].width;
    const units = perSite.get(site) ?? new Set<number>();
    perSite.set(site, units);
    for (const [lo, hi] of part.ranges) {
      if (hi >= width) throw fail(`unit ${hi} is out of range for ${part.site}, which has units 0-${width - 1}`);
      for (let u = lo; u <= hi; u++) units.add(u);
    }
  }
  return fromSets(perSite);
}

/**
 * The ablation that zeroes the given neuron ids (id = site offset + unit, in the order of
 * `sites`), as rankings and curves name neurons.
 */
export function ablationFromNeurons(ids: ArrayLike<number>, sites: readonly SiteRef[]): Ablation {
  const total = sites.reduce((n, s) => n + s.width, 0);
  const starts: number[] = [];
  let at = 0;
  for (const s of sites) {
    starts.push(at);
    at += s.width;
  }
  const perSite = new Map<number, Set<number>>();
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (!Number.isInteger(id) || id < 0 || id >= total) {
      throw new GrainError(`neuron id ${id} is out of range: the sites ${siteNames(sites)} have neurons 0-${total - 1}`);
    }
    let site = starts.length - 1;
    while (starts[site] > id) site--;
    (perSite.get(site) ?? perSite.set(site, new Set()).get(site)!).add(id - starts[site]);
  }
  return fromSets(perSite);
}

function fromSets(perSite: Map<number, Set<number>>): Ablation {
  const selections = [...perSite.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([site, units]) => ({ site, units: Int32Array.from(units).sort() }));
  return { selections };
}

/** Per site: 1 keeps a unit, 0 zeroes it. */
export function maskVectors(ablation: Ablation | null, sites: readonly SiteRef[]): Float32Array[] {
  const masks = sites.map((s) => new Float32Array(s.width).fill(1));
  for (const sel of ablation?.selections ?? []) for (const u of sel.units) masks[sel.site][u] = 0;
  return masks;
}

/** Number of units an ablation zeroes. */
export function ablatedCount(ablation: Ablation | null): number {
  return (ablation?.selections ?? []).reduce((n, s) => n + s.units.length, 0);
}
