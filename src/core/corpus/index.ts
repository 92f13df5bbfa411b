export type { LabelledCorpus } from './types';
export { readLabelledPair, parseLabelledPair } from './pair-files';
export { readConllu, parseConllu, conlluColumn, type ConlluColumn } from './conllu';
export { readBrown, readBrownSplit, parseBrownText, brownDir } from './brown';
export { normalizeBrownTag, brownToUniversal, UNIVERSAL_TAGS } from './brown-tags';
export {
  filterRareClasses,
  buildLabelIndex,
  encodeLabels,
} from './classes';
export { createControlTask, controlLabels } from './control';
