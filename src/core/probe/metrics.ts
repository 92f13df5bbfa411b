/**
 * NeuroX's metrics by name (neurox/interpretation/metrics.py, compute_score): what a probe's
 * score is reported in. Definitions follow the libraries NeuroX calls:
 *  - accuracy: share of rows predicted right;
 *  - f1: scikit-learn's f1_score with its default average='binary', i.e. the F1 of the positive
 *    class (label 1: class index 1, 'positive' in a concept task). scikit-learn refuses 'binary'
 *    with more than two classes; Grain gives the macro average there (the unweighted mean of the
 *    per-class F1 over the classes that occur in the labels or the predictions, as
 *    average='macro') and says so (f1Average);
 *  - accuracy_and_f1: (accuracy + f1) / 2;
 *  - pearson, spearman: scipy's pearsonr and spearmanr (ranks of ties averaged); undefined (null)
 *    when either side is constant, where scipy returns nan;
 *  - pearson_and_spearman: their mean;
 *  - matthews_corrcoef: scikit-learn's, the multiclass generalisation (Gorodkin's R_K), which is
 *    the usual MCC for two classes; 0 where the denominator is 0, as scikit-learn.
 */
import { GrainError } from '../errors';

export const CLASSIFICATION_METRICS = ['accuracy', 'f1', 'accuracy_and_f1', 'matthews_corrcoef'] as const;
export const REGRESSION_METRICS = ['pearson', 'spearman', 'pearson_and_spearman'] as const;
export const METRICS = [...CLASSIFICATION_METRICS, ...REGRESSION_METRICS] as const;
export type MetricName = (typeof METRICS)[number];

export function isRegressionMetric(name: MetricName): boolean {
  return (REGRESSION_METRICS as readonly string[]).includes(name);
}

/** Every classification metric of one evaluation (camelCase keys, as result files name fields). */
export interface ClassificationMetrics {
  accuracy: number;
  f1: number;
  /** 'binary': F1 of class index 1 (two classes); 'macro': mean over classes (more than two). */
  f1Average: 'binary' | 'macro';
  accuracyAndF1: number;
  matthewsCorrcoef: number;
}

/** Every regression metric; the correlations are null where undefined (a constant side). */
export interface RegressionMetrics {
  pearson: number | null;
  spearman: number | null;
  pearsonAndSpearman: number | null;
  /** Mean squared error (the training loss without the penalties). */
  mse: number;
}

/**
 * The classification metrics from a confusion matrix (row = true class, column = predicted).
 * `classes` = 2 gives binary F1 of class 1, more gives macro F1.
 */
export function classificationMetrics(confusion: readonly (readonly number[])[]): ClassificationMetrics {
  const k = confusion.length;
  if (k < 2) throw new GrainError(`metrics: need at least two classes, got ${k}`);
  let total = 0;
  let correct = 0;
  const truth = new Float64Array(k);
  const predicted = new Float64Array(k);
  for (let t = 0; t < k; t++) {
    if (confusion[t].length !== k) throw new GrainError(`metrics: confusion row ${t} has ${confusion[t].length} entries, expected ${k}`);
    for (let p = 0; p < k; p++) {
      const v = confusion[t][p];
      total += v;
      truth[t] += v;
      predicted[p] += v;
      if (t === p) correct += v;
    }
  }
  if (total === 0) throw new GrainError('metrics: no rows to score');
  const accuracy = correct / total;
  const f1Of = (c: number) => (truth[c] + predicted[c] === 0 ? 0 : (2 * confusion[c][c]) / (truth[c] + predicted[c]));
  let f1: number;
  let f1Average: ClassificationMetrics['f1Average'];
  if (k === 2) {
    f1 = f1Of(1);
    f1Average = 'binary';
  } else {
    let sum = 0;
    let n = 0;
    for (let c = 0; c < k; c++) {
      if (truth[c] === 0 && predicted[c] === 0) continue;
      sum += f1Of(c);
      n++;
    }
    f1 = n > 0 ? sum / n : 0;
    f1Average = 'macro';
  }
  let pt = 0;
  let pp = 0;
  let tt = 0;
  for (let c = 0; c < k; c++) {
    pt += predicted[c] * truth[c];
    pp += predicted[c] * predicted[c];
    tt += truth[c] * truth[c];
  }
  const den = Math.sqrt((total * total - pp) * (total * total - tt));
  const matthewsCorrcoef = den === 0 ? 0 : (correct * total - pt) / den;
  return { accuracy, f1, f1Average, accuracyAndF1: (accuracy + f1) / 2, matthewsCorrcoef };
}

/** Pearson's r in float64; null when either side is constant (or fewer than two rows). */
export function pearson(preds: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const n = checkPaired(preds, labels);
  if (n < 2) return null;
  let mp = 0;
  let ml = 0;
  for (let i = 0; i < n; i++) {
    mp += preds[i];
    ml += labels[i];
  }
  mp /= n;
  ml /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = preds[i] - mp;
    const b = labels[i] - ml;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Spearman's rho: Pearson's r of the ranks, tied values sharing their average rank (scipy's spearmanr). */
export function spearman(preds: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  checkPaired(preds, labels);
  return pearson(averageRanks(preds), averageRanks(labels));
}

export function meanSquaredError(preds: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = checkPaired(preds, labels);
  if (n === 0) throw new GrainError('metrics: no rows to score');
  let s = 0;
  for (let i = 0; i < n; i++) s += (preds[i] - labels[i]) ** 2;
  return s / n;
}

export function regressionMetrics(preds: ArrayLike<number>, labels: ArrayLike<number>): RegressionMetrics {
  const p = pearson(preds, labels);
  const s = spearman(preds, labels);
  return { pearson: p, spearman: s, pearsonAndSpearman: p === null || s === null ? null : (p + s) / 2, mse: meanSquaredError(preds, labels) };
}

/** 1-based ranks, ties given the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && values[order[j]] === values[order[i]]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

/** The value of `metric` (NeuroX's compute_score) from the metrics of an evaluation. */
export function scoreOf(metric: MetricName, m: ClassificationMetrics | RegressionMetrics): number | null {
  const has = (key: string) => key in m;
  switch (metric) {
    case 'accuracy':
    case 'f1':
    case 'matthews_corrcoef':
    case 'accuracy_and_f1': {
      if (!has('accuracy')) throw new GrainError(`the metric '${metric}' scores classes; a regression probe is scored by pearson, spearman or pearson_and_spearman`);
      const c = m as ClassificationMetrics;
      return metric === 'accuracy' ? c.accuracy : metric === 'f1' ? c.f1 : metric === 'accuracy_and_f1' ? c.accuracyAndF1 : c.matthewsCorrcoef;
    }
    case 'pearson':
    case 'spearman':
    case 'pearson_and_spearman': {
      if (!has('mse')) throw new GrainError(`the metric '${metric}' scores real values; a classifier is scored by accuracy, f1, accuracy_and_f1 or matthews_corrcoef`);
      const r = m as RegressionMetrics;
      return metric === 'pearson' ? r.pearson : metric === 'spearman' ? r.spearman : r.pearsonAndSpearman;
    }
  }
}

function checkPaired(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new GrainError(`metrics: ${a.length} predictions for ${b.length} labels`);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) throw new GrainError(`metrics: value at row ${i} is not a finite number`);
  }
  return a.length;
}
