// Neuron ids and where they live. A probe result numbers neurons across its sites in order
// (embeddings 0..255, layer1 256..511, ...); users name them either way: `17` or `layer1:17`.
// No `vscode` import (unit-tested).
export interface SiteWidth {
  name: string;
  width: number;
}

export interface NeuronLocation {
  neuron: number;
  site: string;
  unit: number;
}

/** Where global neuron `neuron` lives; undefined when it is past the last site. */
export function locateNeuron(sites: readonly SiteWidth[], neuron: number): NeuronLocation | undefined {
  if (!Number.isInteger(neuron) || neuron < 0) return undefined;
  let offset = 0;
  for (const s of sites) {
    if (neuron < offset + s.width) return { neuron, site: s.name, unit: neuron - offset };
    offset += s.width;
  }
  return undefined;
}

/** `neuron 17 · layer1:17`-style label. */
export function neuronLabel(loc: NeuronLocation): string {
  return `neuron ${loc.neuron} · ${loc.site}:${loc.unit}`;
}

/**
 * Parses what a user typed: `17` (global id), `layer1:17` (site and unit), or `n17`.
 * Returns the location or an error that says what is wrong.
 */
export function parseNeuron(text: string, sites: readonly SiteWidth[]): NeuronLocation | { error: string } {
  const t = text.trim();
  const total = sites.reduce((n, s) => n + s.width, 0);
  const global = /^n?(\d+)$/i.exec(t);
  if (global) {
    const id = Number(global[1]);
    return locateNeuron(sites, id) ?? { error: `neuron ${id} does not exist: the ranking has neurons 0 to ${total - 1}` };
  }
  const local = /^([^:\s]+)\s*:\s*(\d+)$/.exec(t);
  if (local) {
    const [, siteName, unitText] = local;
    let offset = 0;
    for (const s of sites) {
      if (s.name === siteName) {
        const unit = Number(unitText);
        if (unit >= s.width) return { error: `${s.name} has units 0 to ${s.width - 1}; ${unit} is past its end` };
        return { neuron: offset + unit, site: s.name, unit };
      }
      offset += s.width;
    }
    return { error: `no site "${siteName}"; the ranking has ${sites.map((s) => s.name).join(', ')}` };
  }
  return { error: `"${t}" is not a neuron: type an id (17) or a site and unit (layer1:17)` };
}
