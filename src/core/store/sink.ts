import type { SiteInfo } from '../activations';

/**
 * Where extracted activations go, sentence by sentence. begin() once with the sites, then
 * appendSentence() per sentence (rows: tokens.length x neurons, row-major; `words`: the
 * sentence's words in the text, which a store may fingerprint), then close() to finish, or
 * abort() to leave nothing behind. Callers await each call before the next.
 */
export interface ActivationSink {
  begin(sites: SiteInfo[]): Promise<void>;
  appendSentence(tokens: string[], rows: Float32Array, words?: readonly string[]): Promise<void> | void;
  close(): Promise<void>;
  abort(): Promise<void>;
}
