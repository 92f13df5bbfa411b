/** Top words per neuron (NeuroX get_top_words), for the neurons an experiment singled out. */
import { topWords, type ChunkedActivations, type TopWordsOptions } from '../rank';
import type { NeuronWords } from './types';

export function topWordsPerNeuron(source: ChunkedActivations, neurons: ArrayLike<number>, opts: TopWordsOptions = { n: 10 }): NeuronWords[] {
  return Array.from(neurons, (neuron) => {
    const t = topWords(source, neuron, opts);
    return { neuron, words: t.words, scores: Array.from(t.scores) };
  });
}
