export { topNeurons, bottomNeurons, topNeuronsHardThreshold } from './selection';
export { randomNeurons } from './random';
export { neuronOrdering, neuronOrderingGranular } from './ordering';
export { localization } from './localization';
export { classOverlap } from './overlap';
export {
  topWords,
  topWordsZ,
  chunkedFromMatrix,
  type ChunkedActivations,
  type TopWordsOptions,
} from './top-words';
