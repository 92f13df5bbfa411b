/**
 * The ways Grain ranks neurons besides the elastic-net probe (whose ranking a probe result holds):
 * their names and sources as the CLI, the editor and the reports show them.
 */

export type RankingMethod = 'probeless' | 'iou' | 'gaussian' | 'clustering';

export const RANKING_METHODS: readonly RankingMethod[] = ['probeless', 'iou', 'gaussian', 'clustering'];

export interface RankingMethodInfo {
  /** e.g. "Probeless". */
  name: string;
  /** The paper, e.g. "Antverg & Belinkov 2022". */
  source: string;
  /** One line on what it does. */
  summary: string;
}

export const RANKING_METHOD_INFO: Record<RankingMethod, RankingMethodInfo> = {
  probeless: { name: 'Probeless', source: 'Antverg & Belinkov 2022', summary: 'differences of class means, no training' },
  iou: { name: 'IoU probe', source: 'Mu & Andreas 2020', summary: 'each neuron as a detector of each class: average precision (or IoU) of its activations' },
  gaussian: { name: 'Gaussian probe', source: 'Torroba Hennigen et al. 2020', summary: 'greedy choice of neurons under a multivariate Gaussian classifier, by mutual information' },
  clustering: { name: 'Correlation clustering', source: 'Dalvi et al. 2020', summary: 'one neuron per cluster of correlated neurons; the kept ones ranked by a probe on them' },
};

/** "Probeless (Antverg & Belinkov 2022)". */
export function methodTitle(method: RankingMethod): string {
  const m = RANKING_METHOD_INFO[method];
  return `${m.name} (${m.source})`;
}
