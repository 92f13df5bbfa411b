import type { SiteInfo } from '../activations';

/**
 * Where extracted activations go, sentence by sentence. begin() once with the sites, then
 * appendSentence() per sentence (rows: tokens.length x neurons, row-major), then close() to
 * finish, or abort() to leave nothing behind. Callers await each call before the next.
 */
export interface ActivationSink {
  begin(sites: SiteInfo[]): Promise<void>;
  appendSentence(tokens: string[], rows: Float32Array): Promise<void> | void;
  close(): Promise<void>;
  abort(): Promise<void>;
}
