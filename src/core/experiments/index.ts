export * from './types';
export { trainFullProbe, type ProbeTask, type FullProbe } from './task';
export { retrainSubsets, zeroOutSubsets } from './subsets';
export { minimalSubset } from './minimal';
export { localizationByClass, classExclusivity } from './structure';
export { layerwiseProbes } from './layerwise';
export { topWordsPerNeuron } from './words';
export { controlSelectivity } from './control';
