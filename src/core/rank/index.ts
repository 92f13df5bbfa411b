export { topNeurons } from './selection';
export { neuronOrdering, type WithinChunk } from './ordering';
export { localization } from './localization';
export { classOverlap } from './overlap';
export {
  topWords,
  topWordsZ,
  chunkedFromMatrix,
  type ChunkedActivations,
  type TopWordsOptions,
} from './top-words';
