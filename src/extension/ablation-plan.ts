// How long ablation curves will take, said before they start: model runs x sentences, each run
// timed on a few sentences of the chosen text. No `vscode` import (unit-tested).

export interface CurvePlan {
  /** Result files whose ordering is ablated: probe or experiments files give LCA top and bottom, correlation files CCA top. */
  lcaFiles: number;
  ccaFiles: number;
  percents: readonly number[];
  randomDraws: number;
}

/**
 * Model runs of a curve job over the whole text: the job's unablated run, the curve's own, then
 * each ordering and each random draw at every count above 0 (src/jobs/ablate.ts, src/core/ablate/curve.ts).
 */
export function curveRuns(p: CurvePlan): number {
  const orderings = 2 * p.lcaFiles + p.ccaFiles;
  const counts = p.percents.filter((x) => x > 0).length;
  return 2 + (orderings + p.randomDraws) * counts;
}

/** Seconds for `runs` runs over `sentences`, from one timed run over `timedSentences` that took `timedSeconds`. */
export function estimateSeconds(runs: number, sentences: number, timed: { sentences: number; seconds: number }): number {
  return (runs * sentences * timed.seconds) / Math.max(1, timed.sentences);
}

/** "about 40 s", "about 2 min 50 s", "about 1 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `about ${s} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = Math.round((s % 60) / 10) * 10;
    return rest === 0 || rest === 60 ? `about ${rest === 60 ? m + 1 : m} min` : `about ${m} min ${rest} s`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m === 0 ? `about ${h} h` : `about ${h} h ${m} min`;
}

/** The sentence counts to offer for a text of `available` sentences: the choices below it, then all of it. */
export function sentenceOptions(choices: readonly number[], available: number): { count: number; all: boolean }[] {
  const below = choices.filter((c) => c < available).map((count) => ({ count, all: false }));
  return [...below, { count: available, all: true }];
}
