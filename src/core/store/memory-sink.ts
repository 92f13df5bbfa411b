import type { ActivationMatrix, SiteInfo } from '../activations';
import { totalNeurons } from '../neurons';
import type { ActivationSink } from './sink';

/**
 * Collects activations in memory. The data buffer grows geometrically (x2), so appending
 * n rows costs O(n) copying overall instead of O(n^2).
 */
export class MemorySink implements ActivationSink {
  private sites: SiteInfo[] | undefined;
  private neurons = 0;
  private data = new Float32Array(0);
  private used = 0;
  private readonly tokens: string[] = [];
  private offsets = new Uint32Array(16);
  private sentences = 0;

  async begin(sites: SiteInfo[]): Promise<void> {
    this.sites = sites;
    this.neurons = totalNeurons(sites);
  }

  appendRows(tokens: string[], rows: Float32Array): void {
    if (!this.sites) throw new Error('MemorySink: appendRows before begin');
    if (rows.length !== tokens.length * this.neurons) {
      throw new Error(`appendRows: ${rows.length} values for ${tokens.length} tokens x ${this.neurons} neurons`);
    }
    if (this.used + rows.length > this.data.length) {
      const grown = new Float32Array(Math.max(this.used + rows.length, this.data.length * 2, 1024));
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    this.data.set(rows, this.used);
    this.used += rows.length;
    for (const t of tokens) this.tokens.push(t);
  }

  endSentence(): void {
    if (this.sentences + 2 > this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.sentences++;
    this.offsets[this.sentences] = this.tokens.length;
  }

  async close(): Promise<void> {}

  async abort(): Promise<void> {
    this.data = new Float32Array(0);
    this.used = 0;
  }

  /** The collected activations; the data is trimmed to size (a copy only if much space is unused). */
  result(): ActivationMatrix {
    if (!this.sites) throw new Error('MemorySink: result before begin');
    const waste = this.data.length - this.used;
    const data = waste <= this.used / 8 ? this.data.subarray(0, this.used) : this.data.slice(0, this.used);
    return {
      sites: this.sites,
      neurons: this.neurons,
      tokens: this.tokens.slice(),
      sentenceOffsets: this.offsets.slice(0, this.sentences + 1),
      data,
    };
  }
}
