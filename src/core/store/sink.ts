import type { SiteInfo } from '../activations';

/**
 * Where extracted activations go, sentence by sentence: begin() once with the sites; for each
 * sentence appendRows() one or more times (tokens.length x neurons values, row-major; a long
 * sentence comes in windows, so no sink needs a whole long line in memory unless its format
 * does) and then endSentence() with the sentence's words in the text (a store may fingerprint
 * them); then close() to finish, or abort() to leave nothing behind. Callers await each call.
 */
export interface ActivationSink {
  begin(sites: SiteInfo[]): Promise<void>;
  appendRows(tokens: string[], rows: Float32Array): Promise<void> | void;
  endSentence(words?: readonly string[]): Promise<void> | void;
  close(): Promise<void>;
  abort(): Promise<void>;
}

/** A whole sentence at once: its rows, then its end. */
export async function appendSentence(sink: ActivationSink, tokens: string[], rows: Float32Array, words?: readonly string[]): Promise<void> {
  await sink.appendRows(tokens, rows);
  await sink.endSentence(words);
}

/**
 * A sink that takes rows out of order (the Grain store): reserveRows() appends rows (their
 * tokens) in order and returns the first one's index, and placeRows() gives their values
 * later, in any order, before close(). endSentence() may come before a sentence's values.
 */
export interface PlacingSink extends ActivationSink {
  reserveRows(tokens: string[]): number;
  placeRows(row: number, rows: Float32Array): void;
}

export function isPlacingSink(sink: ActivationSink): sink is PlacingSink {
  return typeof (sink as Partial<PlacingSink>).reserveRows === 'function' && typeof (sink as Partial<PlacingSink>).placeRows === 'function';
}
