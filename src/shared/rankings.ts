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

/** What the Gaussian probe's greedy steps say, as the CLI and the report word it. */
export interface GaussianReading {
  /** The step (1-based neuron count) of the highest estimate, and that estimate in bits. */
  peakNeurons: number;
  peakBits: number;
  /** The estimate fell after its peak: the last step is below it. */
  fell: boolean;
  /** Why it can fall and what the number is, when it fell or is below zero; null otherwise. */
  note: string | null;
}

/**
 * NeuroX's estimate is measured on the training words the Gaussians were fitted to, with each
 * class's covariance (its scatter + variances) / (words + 2D + 4), D = every neuron ranked: for a class of
 * few words against many neurons that is far narrower than its words, so each further neuron can
 * make their posteriors more confidently wrong. The greedy steps then show the estimate rising and
 * falling, even below zero, while the accuracy rises. It orders neurons; it is not bits carried.
 */
export function gaussianReading(steps: readonly { neurons: number; mutualInformation: number }[], neuronsRanked: number): GaussianReading {
  let peak = 0;
  steps.forEach((s, i) => {
    if (s.mutualInformation > steps[peak]!.mutualInformation) peak = i;
  });
  const last = steps.at(-1);
  const fell = last !== undefined && peak < steps.length - 1;
  const negative = last !== undefined && last.mutualInformation < 0;
  const note =
    fell || negative
      ? `the estimate is NeuroX's, on the training words the Gaussians were fitted to: each class's covariance is (its scatter + its variances) / (its words + 2 x ${neuronsRanked} + 4), ${neuronsRanked} being the neurons ranked, far narrower than the words of small classes, so each further neuron can make their posteriors more confidently wrong and the estimate fall${negative ? ' below 0 (a log-loss worse than the class frequencies alone)' : ''} even as the accuracy rises; it orders the neurons, it is not the information they carry`
      : null;
  return { peakNeurons: steps[peak]?.neurons ?? 0, peakBits: steps[peak]?.mutualInformation ?? NaN, fell, note };
}
