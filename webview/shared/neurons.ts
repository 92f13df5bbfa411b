// Neuron ids of a result's activations and where they live (site and unit), from the site widths.

export interface SiteLike {
  name: string;
  width: number;
}

export class NeuronIndex {
  private readonly starts: number[] = [];
  constructor(readonly sites: SiteLike[]) {
    let offset = 0;
    for (const s of sites) {
      this.starts.push(offset);
      offset += s.width;
    }
  }
  /** Index of the site holding neuron `id` (-1 outside). */
  siteOf(id: number): number {
    for (let i = this.sites.length - 1; i >= 0; i--) if (id >= this.starts[i]! && id < this.starts[i]! + this.sites[i]!.width) return i;
    return -1;
  }
  where(id: number): { site: string; unit: number } {
    const i = this.siteOf(id);
    return i < 0 ? { site: '?', unit: id } : { site: this.sites[i]!.name, unit: id - this.starts[i]! };
  }
  /** `layer1:37`, as Grain names neurons elsewhere (mask specs). */
  label(id: number): string {
    const w = this.where(id);
    return `${w.site}:${w.unit}`;
  }
  /** How many of `ids` lie in each site. */
  countBySite(ids: Iterable<number>): number[] {
    const counts = this.sites.map(() => 0);
    for (const id of ids) {
      const i = this.siteOf(id);
      if (i >= 0) counts[i]!++;
    }
    return counts;
  }
}
