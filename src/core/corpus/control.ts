import { GrainError } from '../errors';
import { keyedUniform } from '../random';

/**
 * Control task of Hewitt & Liang (2019): every word type gets one fixed random label, drawn
 * from the empirical label distribution of the real task (NeuroX's sample_from='same') or
 * uniformly over the classes the training labels hold ('uniform'). A probe that does well on it
 * is memorising word identity, not reading the property from the representation.
 */
export interface ControlTask {
  /** Probability of each class: token frequencies of the real labels, or uniform over the classes present. */
  distribution: Float64Array;
  /** The control label of a word type; types never seen get a draw too, with the same rule. */
  labelOf(word: string): number;
  /** Control labels for a token list (e.g. test words), same type -> label map. */
  label(words: readonly string[]): Int32Array;
}

/** NeuroX's options of create_sequence_labeling_dataset. */
export interface ControlOptions {
  /** 'same' (default): the training label distribution; 'uniform': every class present equally likely. */
  sampling?: 'same' | 'uniform';
  /** Default true; false gives 'The' and 'the' one type (and one label). */
  caseSensitive?: boolean;
}

export function createControlTask(words: readonly string[], y: Int32Array, numClasses: number, seed: number, opts: ControlOptions = {}): ControlTask {
  checkInputs(words, y, numClasses);
  const sampling = opts.sampling ?? 'same';
  if (sampling !== 'same' && sampling !== 'uniform') throw new GrainError(`control labels are sampled 'same' or 'uniform', not '${String(sampling)}'`);
  const typeOf = opts.caseSensitive === false ? (w: string) => w.toLowerCase() : (w: string) => w;
  const counts = new Float64Array(numClasses);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (c < 0) continue;
    if (c >= numClasses) throw new GrainError(`label index ${c} at word ${i} is out of range (${numClasses} classes)`);
    counts[c]++;
    total++;
  }
  if (total === 0) throw new GrainError('no labelled words to take a label distribution from');
  if (sampling === 'uniform') {
    // NeuroX samples uniformly over the distinct training labels: classes with no word stay out.
    total = 0;
    for (let c = 0; c < numClasses; c++) total += counts[c] = counts[c] > 0 ? 1 : 0;
  }
  const distribution = counts.map((n) => n / total);
  const cdf = new Float64Array(numClasses);
  let acc = 0;
  for (let c = 0; c < numClasses; c++) cdf[c] = acc += counts[c];
  const cache = new Map<string, number>();
  const labelOf = (word: string): number => {
    const type = typeOf(word);
    let label = cache.get(type);
    if (label === undefined) {
      // The draw depends only on (type, seed), so training and test agree without sharing state.
      label = sampleClass(cdf, keyedUniform(type, seed) * total);
      cache.set(type, label);
    }
    return label;
  };
  const label = (ws: readonly string[]): Int32Array => {
    const out = new Int32Array(ws.length);
    for (let i = 0; i < ws.length; i++) out[i] = labelOf(ws[i]);
    return out;
  };
  return { distribution, labelOf, label };
}

/**
 * Control labels for the training tokens themselves. Words whose real label is -1 (dropped or
 * unseen) stay -1, so the control probe trains on exactly the same rows as the real one.
 */
export function controlLabels(words: readonly string[], y: Int32Array, numClasses: number, seed: number, opts: ControlOptions = {}): Int32Array {
  const task = createControlTask(words, y, numClasses, seed, opts);
  const out = task.label(words);
  for (let i = 0; i < y.length; i++) if (y[i] < 0) out[i] = -1;
  return out;
}

function sampleClass(cdf: Float64Array, u: number): number {
  // First class whose cumulative count exceeds u; classes with no words are never drawn.
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkInputs(words: readonly string[], y: Int32Array, numClasses: number): void {
  if (words.length !== y.length) throw new GrainError(`${words.length} words but ${y.length} labels`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new GrainError(`a control task needs at least 2 classes, got ${numClasses}`);
}
