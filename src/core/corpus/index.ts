export type { LabelledCorpus } from './types';
export { readLabelledPair, parseLabelledPair } from './pair-files';
export { readConllu, parseConllu, conlluColumn, type ConlluColumn } from './conllu';
export { readBrown, readBrownSplit, parseBrownText, brownDir, type BrownOptions, type BrownSplitPart } from './brown';
export { normalizeBrownTag, brownToUniversal, knownBrownTags, UNIVERSAL_TAGS, type BrownTagset, type UniversalTag } from './brown-tags';
export {
  filterRareClasses,
  buildLabelIndex,
  encodeLabels,
  countLabels,
  type RareClassMode,
  type RareClassOptions,
  type RareClassReport,
  type FilteredLabels,
  type LabelIndex,
  type EncodedLabels,
} from './classes';
export { createControlTask, controlLabels, type ControlTask } from './control';
