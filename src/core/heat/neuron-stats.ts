/**
 * Per-neuron mean and standard deviation over a corpus, streamed: the activations are never
 * held in memory. Sums are float64 and shifted by the first row, so that neurons with a large
 * mean and small spread keep their precision.
 */
import type { SiteInfo } from '../activations';
import { totalNeurons } from '../neurons';
import { GrainError } from '../errors';
import type { ActivationSink } from '../store';

export interface NeuronStats {
  neurons: number;
  rows: number;
  mean: Float64Array;
  /** Population standard deviation (divided by rows). */
  std: Float64Array;
}

export class NeuronStatsAccumulator implements ActivationSink {
  sites: SiteInfo[] = [];
  private neurons = 0;
  private rows = 0;
  private shift = new Float64Array(0);
  private sum = new Float64Array(0);
  private sumSq = new Float64Array(0);

  async begin(sites: SiteInfo[]): Promise<void> {
    this.sites = sites;
    this.reset(totalNeurons(sites));
  }

  reset(neurons: number): void {
    this.neurons = neurons;
    this.rows = 0;
    this.shift = new Float64Array(neurons);
    this.sum = new Float64Array(neurons);
    this.sumSq = new Float64Array(neurons);
  }

  appendRows(_tokens: string[], rows: Float32Array): void {
    this.addRows(rows, rows.length / this.neurons);
  }

  endSentence(): void {}

  /** Adds `count` rows (row-major, rows x neurons). */
  addRows(data: Float32Array, count: number): void {
    const n = this.neurons;
    if (this.rows === 0 && count > 0) for (let j = 0; j < n; j++) this.shift[j] = data[j];
    for (let r = 0; r < count; r++) {
      const base = r * n;
      for (let j = 0; j < n; j++) {
        const d = data[base + j] - this.shift[j];
        this.sum[j] += d;
        this.sumSq[j] += d * d;
      }
    }
    this.rows += count;
  }

  async close(): Promise<void> {}
  async abort(): Promise<void> {
    this.rows = 0;
  }

  result(): NeuronStats {
    if (this.rows === 0) throw new GrainError('no rows to compute neuron statistics from');
    const mean = new Float64Array(this.neurons);
    const std = new Float64Array(this.neurons);
    for (let j = 0; j < this.neurons; j++) {
      const m = this.sum[j] / this.rows;
      mean[j] = this.shift[j] + m;
      std[j] = Math.sqrt(Math.max(0, this.sumSq[j] / this.rows - m * m));
    }
    return { neurons: this.neurons, rows: this.rows, mean, std };
  }
}
