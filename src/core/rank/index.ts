export { topNeurons, bottomNeurons, topNeuronsHardThreshold, type NeuronSelection } from './selection';
export { randomNeurons } from './random';
export { neuronOrdering, neuronOrderingGranular, type NeuronOrdering } from './ordering';
export { localization, type Localization } from './localization';
export { classOverlap, type ClassOverlap } from './overlap';
export {
  topWords,
  topWordsZ,
  chunkedFromMatrix,
  type ActivationChunk,
  type ChunkedActivations,
  type TopWords,
  type TopWordsOptions,
  type TopWordsZ,
  type TopWordsZOptions,
} from './top-words';
export { checkWeights } from './weights';
