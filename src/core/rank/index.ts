export { topNeurons } from './selection';
export { neuronOrdering } from './ordering';
export { localization } from './localization';
export { classOverlap } from './overlap';
export {
  topWords,
  topWordsZ,
  chunkedFromMatrix,
  type ChunkedActivations,
  type TopWordsOptions,
} from './top-words';
