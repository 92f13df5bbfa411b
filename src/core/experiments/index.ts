export * from './types';
export { trainFullProbe, retrainAccuracy, testAccuracy, type ProbeTask, type FullProbe } from './task';
export { retrainSubsets, zeroOutSubsets, subsetsFor, type Subsets } from './subsets';
export { minimalSubset, type MinimalSubsetOptions } from './minimal';
export { localizationByClass, classExclusivity } from './structure';
export { layerwiseProbes } from './layerwise';
export { topWordsPerNeuron } from './words';
export { controlSelectivity } from './control';
