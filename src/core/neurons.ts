/**
 * Neuron ids, the one way Grain numbers neurons: across the sites in order (embeddings 0..255,
 * layer1 256..511, ...), as NeuroX does (layer x hidden + unit for equal widths). Every place that
 * turns an id into a site and unit, a label, or back, uses this module (the webviews too, through
 * src/shared/neurons.ts): pure, no Node imports.
 */
import { GrainError } from './errors';

/** A site as neuron numbering sees it: its name and number of units. */
export interface SiteWidth {
  name: string;
  width: number;
}

export interface NeuronLocation {
  neuron: number;
  site: string;
  unit: number;
}

/** Id of each site's first neuron. */
export function siteOffsets(sites: readonly SiteWidth[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const s of sites) {
    offsets.push(at);
    at += s.width;
  }
  return offsets;
}

export function totalNeurons(sites: readonly SiteWidth[]): number {
  return sites.reduce((n, s) => n + s.width, 0);
}

/** Where neuron `id` lives; undefined when it is not a neuron of these sites. */
export function locateNeuron(sites: readonly SiteWidth[], id: number): NeuronLocation | undefined {
  if (!Number.isInteger(id) || id < 0) return undefined;
  let offset = 0;
  for (const s of sites) {
    if (id < offset + s.width) return { neuron: id, site: s.name, unit: id - offset };
    offset += s.width;
  }
  return undefined;
}

/** The short label Grain shows for a neuron: `layer1:17` (site and unit, as mask specs name it). */
export function neuronLabel(sites: readonly SiteWidth[], id: number): string {
  const at = locateNeuron(sites, id);
  return at ? `${at.site}:${at.unit}` : `#${id}`;
}

/** The full label: `neuron 273 (layer1:17)`. */
export function neuronTitle(sites: readonly SiteWidth[], id: number): string {
  const at = locateNeuron(sites, id);
  return at ? locationTitle(at) : `neuron ${id} (#${id})`;
}

/** The full label of a located neuron: `neuron 273 (layer1:17)`. */
export function locationTitle(at: NeuronLocation): string {
  return `neuron ${at.neuron} (${at.site}:${at.unit})`;
}

/**
 * What a user typed for a neuron: `273`, `#273` or `n273` (the id), or `layer1:17` (site and
 * unit). The location, or why it is not one.
 */
export function parseNeuron(text: string, sites: readonly SiteWidth[]): NeuronLocation | { error: string } {
  const t = text.trim();
  const total = totalNeurons(sites);
  const id = /^[#n]?(\d+)$/i.exec(t);
  if (id) {
    const n = Number(id[1]);
    return locateNeuron(sites, n) ?? { error: `neuron ${n} does not exist: there are neurons 0 to ${total - 1}` };
  }
  const local = /^([^:\s]+)\s*:\s*(\d+)$/.exec(t);
  if (local) {
    const [, siteName, unitText] = local;
    const offsets = siteOffsets(sites);
    const k = sites.findIndex((s) => s.name === siteName);
    if (k < 0) return { error: `no site "${siteName}"; the sites are ${sites.map((s) => s.name).join(', ')}` };
    const unit = Number(unitText);
    if (unit >= sites[k].width) return { error: `${siteName} has units 0 to ${sites[k].width - 1}; ${unit} is past its end` };
    return { neuron: offsets[k] + unit, site: siteName, unit };
  }
  return { error: `"${t}" is not a neuron: type an id (273) or a site and unit (layer1:17)` };
}

/** Site index of every neuron id. */
export function neuronSites(sites: readonly SiteWidth[]): Int32Array {
  const site = new Int32Array(totalNeurons(sites));
  let at = 0;
  sites.forEach((s, k) => {
    if (!Number.isInteger(s.width) || s.width < 0) throw new GrainError(`site width must be a non-negative integer, got ${s.width}`);
    site.fill(k, at, at + s.width);
    at += s.width;
  });
  return site;
}

/** How many of the given neurons fall in each site. */
export function countBySite(ids: ArrayLike<number>, sites: readonly SiteWidth[]): Int32Array {
  const site = neuronSites(sites);
  const counts = new Int32Array(sites.length);
  for (let i = 0; i < ids.length; i++) {
    const j = ids[i];
    if (!Number.isInteger(j) || j < 0 || j >= site.length) throw new GrainError(`neuron ${j} is out of range (${site.length} neurons)`);
    counts[site[j]]++;
  }
  return counts;
}
