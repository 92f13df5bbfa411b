/**
 * Every analysis default in one table: the CLI's flags, the demo, the editor's commands, the
 * settings and package.json's setting defaults (checked by a unit test) all read it, so a
 * default changes in one place.
 */
import type { ProbeSettings } from './jobs';

export const DEFAULTS = {
  /** A word's row from its last subword, as NeuroX's default. */
  aggregation: 'last',
  sites: 'layers',
  /** Sentences per model run. */
  batchSize: 32,
  probe: { mode: 'default', lambdaL1: 1e-5, lambdaL2: 1e-5, minCount: 1, rare: 'drop', seed: 1 } satisfies ProbeSettings,
  /** Cumulative weight-mass share for per-class top neurons (NeuroX's percentage). */
  topPercentage: 0.5,
  /** The paper's experiments: stronger regularisation so rankings concentrate. */
  experiments: { lambdaL1: 1e-3, lambdaL2: 1e-3, percents: [10, 15, 20], tolerance: 0.01 },
  /** grain rank: each method's settings (NeuroX's where it has them). */
  rank: {
    perClassPercent: 5,
    iou: { score: 'ap', threshold: 0.05, quantile: 0.005 },
    /**
     * Gaussian probe: greedy steps for this share of the ranked neurons (the rest follow by what each
     * would add; every step costs the same, about classes x rows x neurons), and the rows measured
     * (null: as many as keep that near 2^27). The editor measures on fewer rows, to finish in minutes.
     */
    gaussian: { greedyPercent: 10, maxRows: null, editorMaxRows: 2000 },
    clustering: { threshold: 0.5, absolute: true },
  },
  brown: { tagset: 'normalized', trainSentences: 5000, testSentences: 1000 },
  /**
   * grain concept and Probe This Concept: the Brown sentences of the quick demo probe, balanced,
   * and the fewest words of the concept each part must hold.
   */
  concept: { trainSentences: 1500, testSentences: 300, minPositives: 5 },
  ablation: {
    percents: [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
    randomDraws: 5,
    seed: 1,
    /** The editor's and demo's quick look: fewer points, draws and sentences. */
    quick: { percents: [0, 10, 20, 30, 40, 50], randomDraws: 3, maxSentences: 500, sentenceChoices: [100, 250, 500, 1000] },
  },
  /** Top (and bottom) contexts kept per neuron, and the text files of a corpus folder. */
  contexts: { top: 20, extensions: ['.txt', '.text', '.tok'] },
  /** Top contexts per neuron a description counts words and tags over. */
  describeContexts: 20,
  /** Strongest neurons listed per word in hovers. */
  topNeuronsPerWord: 5,
  decorations: { maxFileSize: 200_000 },
} as const;
