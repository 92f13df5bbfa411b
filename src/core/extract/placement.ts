import { isPlacingSink, type ActivationSink, type PlacingSink } from '../store';

/** One segment of a corpus slice as the sink sees it: its rows' tokens, and the sentence's words if it ends one. */
export interface SliceSegment {
  tokens: string[];
  /** Set on a sentence's last segment: its words (for the store's fingerprint). */
  endsSentence?: readonly string[];
}

/**
 * Where the extractor puts one slice's rows. The slice's segments run in batches sorted by
 * length, so their rows are done out of order: begin() announces the segments in order,
 * target(k) is where segment k's rows are aggregated and commit(k) hands them over, end()
 * closes the slice.
 */
export interface SlicePlacer {
  begin(segments: SliceSegment[]): Promise<void>;
  target(k: number): Float32Array;
  commit(k: number): void;
  end(): Promise<void>;
}

export function slicePlacer(sink: ActivationSink, neurons: number): SlicePlacer {
  return isPlacingSink(sink) ? new DirectPlacer(sink, neurons) : new BufferedPlacer(sink, neurons);
}

/**
 * Rows go to the sink as each segment is done, from one small buffer the size of a segment
 * (still in cache when the store checksums and writes it): no buffer of the whole slice.
 */
class DirectPlacer implements SlicePlacer {
  private first = new Int32Array(0);
  private segments: SliceSegment[] = [];
  private scratch = new Float32Array(0);

  constructor(
    private readonly sink: PlacingSink,
    private readonly neurons: number,
  ) {}

  async begin(segments: SliceSegment[]): Promise<void> {
    this.segments = segments;
    this.first = new Int32Array(segments.length);
    for (let k = 0; k < segments.length; k++) {
      this.first[k] = this.sink.reserveRows(segments[k].tokens);
      const words = segments[k].endsSentence;
      if (words) await this.sink.endSentence(words);
    }
  }

  target(k: number): Float32Array {
    const needed = this.segments[k].tokens.length * this.neurons;
    if (this.scratch.length < needed) this.scratch = new Float32Array(needed);
    return this.scratch.subarray(0, needed);
  }

  commit(k: number): void {
    this.sink.placeRows(this.first[k], this.target(k));
  }

  async end(): Promise<void> {}
}

/** Sinks that take rows in order only: the slice's rows are held until the slice is done. */
class BufferedPlacer implements SlicePlacer {
  private buffer = new Float32Array(0);
  private rowStart = new Int32Array(1);
  private segments: SliceSegment[] = [];

  constructor(
    private readonly sink: ActivationSink,
    private readonly neurons: number,
  ) {}

  async begin(segments: SliceSegment[]): Promise<void> {
    this.segments = segments;
    this.rowStart = new Int32Array(segments.length + 1);
    segments.forEach((s, k) => (this.rowStart[k + 1] = this.rowStart[k] + s.tokens.length));
    const needed = this.rowStart[segments.length] * this.neurons;
    if (this.buffer.length < needed) this.buffer = new Float32Array(needed);
  }

  target(k: number): Float32Array {
    return this.buffer.subarray(this.rowStart[k] * this.neurons, this.rowStart[k + 1] * this.neurons);
  }

  commit(): void {}

  async end(): Promise<void> {
    for (let k = 0; k < this.segments.length; k++) {
      await this.sink.appendRows(this.segments[k].tokens, this.target(k));
      const words = this.segments[k].endsSentence;
      if (words) await this.sink.endSentence(words);
    }
  }
}
