import { rmSync } from 'node:fs';
import type { SiteInfo } from '../activations';
import type { ActivationSink } from './sink';

/**
 * NeuroX's `decompose_layers` file name of one layer: `acts.hdf5` -> `acts-layer3.hdf5` (its
 * writer: `f"{filename[:-5]}-layer{layer_idx}.{filename[-4:]}"`, for .hdf5 and .json). The index
 * is the layer's as NeuroX numbers it. A site that is no layer boundary (an MLP site) is named by
 * its own name, `acts-mlp2.hdf5`: NeuroX has none.
 */
export function perLayerPath(path: string, site: SiteInfo, neuroxIndex: number): string {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const [stem, ext] = dot > slash + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  return `${stem}-${site.kind === 'boundary' ? `layer${neuroxIndex}` : site.name}${ext}`;
}

/**
 * One sink per site, each given that site's columns: every file holds one layer, as NeuroX's
 * decomposed output does. All files appear, or none: a failure while closing one removes the
 * ones already finished.
 */
export class PerLayerSink implements ActivationSink {
  private widths: number[] = [];
  private columns: number[] = [];
  private neurons = 0;

  constructor(
    private readonly parts: { path: string; sink: ActivationSink }[],
  ) {}

  async begin(sites: SiteInfo[]): Promise<void> {
    if (sites.length !== this.parts.length) throw new Error(`PerLayerSink: ${sites.length} sites for ${this.parts.length} files`);
    this.widths = sites.map((s) => s.width);
    this.columns = [];
    this.neurons = 0;
    for (const w of this.widths) {
      this.columns.push(this.neurons);
      this.neurons += w;
    }
    for (let i = 0; i < sites.length; i++) await this.parts[i].sink.begin([sites[i]]);
  }

  async appendRows(tokens: string[], rows: Float32Array): Promise<void> {
    const n = tokens.length;
    for (let i = 0; i < this.parts.length; i++) {
      const width = this.widths[i];
      const part = new Float32Array(n * width);
      for (let r = 0; r < n; r++) part.set(rows.subarray(r * this.neurons + this.columns[i], r * this.neurons + this.columns[i] + width), r * width);
      await this.parts[i].sink.appendRows(tokens, part);
    }
  }

  async endSentence(words?: readonly string[]): Promise<void> {
    for (const p of this.parts) await p.sink.endSentence(words);
  }

  async close(): Promise<void> {
    let done = 0;
    try {
      for (; done < this.parts.length; done++) await this.parts[done].sink.close();
    } catch (e) {
      for (let i = done + 1; i < this.parts.length; i++) await this.parts[i].sink.abort();
      for (let i = 0; i < done; i++) rmSync(this.parts[i].path, { force: true });
      throw e;
    }
  }

  async abort(): Promise<void> {
    for (const p of this.parts) await p.sink.abort();
  }
}
