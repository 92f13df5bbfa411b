// NeuroX's metrics (neurox/interpretation/metrics.py) by name: NeuroX's own test cases
// (tests/interpretation/test_metrics.py) with the numbers they assert, where NeuroX mocks
// scikit-learn or scipy the values those libraries document or that are computed by hand here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrainError } from '../../src/core/errors';
import {
  averageRanks,
  classificationMetrics,
  isRegressionMetric,
  meanSquaredError,
  pearson,
  regressionMetrics,
  scoreOf,
  spearman,
  type MetricName,
} from '../../src/core/probe/metrics';

/** Row = true class, column = predicted, as evaluatePredictions counts them. */
function confusionOf(preds: ArrayLike<number>, labels: ArrayLike<number>, classes = 2): number[][] {
  if (preds.length !== labels.length) throw new GrainError(`metrics: ${preds.length} predictions for ${labels.length} labels`);
  let k = classes;
  for (let i = 0; i < labels.length; i++) k = Math.max(k, labels[i] + 1, preds[i] + 1);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) confusion[labels[i]][preds[i]]++;
  return confusion;
}

/** NeuroX's compute_score(preds, labels, metric) on plain arrays. */
function computeScore(preds: ArrayLike<number>, labels: ArrayLike<number>, metric: MetricName): number | null {
  return scoreOf(metric, isRegressionMetric(metric) ? regressionMetrics(preds, labels) : classificationMetrics(confusionOf(preds, labels)));
}

const ones = (n: number) => new Array<number>(n).fill(1);
const zeros = (n: number) => new Array<number>(n).fill(0);
// NeuroX's fixture: 50 true 1s then 50 true 0s; the first 30 predicted 1, the rest 0.
const yTrue = [...ones(50), ...zeros(50)];
const yPred = [...ones(30), ...zeros(20), ...zeros(50)];

test('accuracy: NeuroX test_accuracy (0.8), no correct (0.0), all correct (1.0)', () => {
  assert.equal(computeScore(yPred, yTrue, 'accuracy'), 0.8);
  assert.equal(computeScore(Int32Array.from(yPred), Int32Array.from(yTrue), 'accuracy'), 0.8, 'typed arrays (test_accuracy_numpy)');
  assert.equal(computeScore([...zeros(50), ...ones(50)], yTrue, 'accuracy'), 0);
  assert.equal(computeScore(yTrue, yTrue, 'accuracy'), 1);
});

test('f1 is scikit-learn binary F1 of class 1; accuracy_and_f1 is their mean (NeuroX fixture: 0.8 and 0.75 -> 0.775)', () => {
  // tp 30, fp 0, fn 20: precision 1, recall 0.6, F1 = 2 * 30 / (50 + 30) = 0.75. NeuroX's test mocks
  // f1_score to 0 and asserts (0.8 + 0) / 2 = 0.4; with the real F1 the mean is 0.775.
  assert.equal(computeScore(yPred, yTrue, 'f1'), 0.75);
  assert.equal(computeScore(yPred, yTrue, 'accuracy_and_f1'), 0.775);
  const m = classificationMetrics(confusionOf(yPred, yTrue));
  assert.equal(m.f1Average, 'binary');
  // Class 1 is the positive class, whatever is more frequent: swapping the roles changes F1.
  const swapped = computeScore(yPred.map((v) => 1 - v), yTrue.map((v) => 1 - v), 'f1')!;
  assert.ok(Math.abs(swapped - (2 * 50) / (50 + 70)) < 1e-15);
  // scikit-learn's docs: f1_score([0, 1, 1, 0], [0, 1, 0, 0]) -> tp 1, fn 1 -> 2/3.
  assert.ok(Math.abs(computeScore([0, 1, 0, 0], [0, 1, 1, 0], 'f1')! - 2 / 3) < 1e-15);
});

test('f1 with more than two classes is the macro average (scikit-learn docs example: 0.2667)', () => {
  // f1_score([0,1,2,0,1,2], [0,2,1,0,0,1], average='macro') = 0.26666666666666666: class 0 has F1 0.8, classes 1 and 2 have 0.
  const m = classificationMetrics(confusionOf([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2]));
  assert.equal(m.f1Average, 'macro');
  assert.ok(Math.abs(m.f1 - 0.26666666666666666) < 1e-15);
  // A class absent from both labels and predictions does not count (scikit-learn's unique_labels).
  const wide = classificationMetrics(confusionOf([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2], 5));
  assert.ok(Math.abs(wide.f1 - 0.26666666666666666) < 1e-15);
});

test('matthews_corrcoef: scikit-learn docs (-1/3), perfect, inverted, constant predictions, three classes by hand', () => {
  // matthews_corrcoef([+1, +1, +1, -1], [+1, -1, +1, +1]) = -0.33333333333333337 (-1 -> class 0).
  assert.ok(Math.abs(computeScore([1, 0, 1, 1], [1, 1, 1, 0], 'matthews_corrcoef')! + 1 / 3) < 1e-15);
  assert.equal(computeScore(yTrue, yTrue, 'matthews_corrcoef'), 1);
  assert.equal(computeScore(yTrue.map((v) => 1 - v), yTrue, 'matthews_corrcoef'), -1);
  assert.equal(computeScore(zeros(100), yTrue, 'matthews_corrcoef'), 0, 'zero denominator gives 0, as scikit-learn');
  // Three classes, confusion [[2,1,0],[0,2,0],[1,0,1]]: c = 5, s = 7, t = (3,2,2), p = (3,3,1):
  // (5*7 - (9+6+2)) / sqrt((49 - (9+9+1)) * (49 - (9+4+4))) = 18 / sqrt(30 * 32).
  const m = classificationMetrics([
    [2, 1, 0],
    [0, 2, 0],
    [1, 0, 1],
  ]);
  assert.ok(Math.abs(m.matthewsCorrcoef - 18 / Math.sqrt(30 * 32)) < 1e-15);
});

test('pearson and spearman: scipy docs examples; pearson_and_spearman is their mean (NeuroX: 0.8 and 0.4 -> 0.6)', () => {
  // scipy.stats.pearsonr([1, 2, 3, 4, 5], [10, 9, 2.5, 6, 4]) = -0.7426106572325056
  assert.ok(Math.abs(pearson([1, 2, 3, 4, 5], [10, 9, 2.5, 6, 4])! + 0.7426106572325056) < 1e-15);
  // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233 (the tied 7s share rank 4.5)
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])! - 0.8207826816681233) < 1e-15);
  assert.deepEqual(Array.from(averageRanks([5, 6, 7, 8, 7])), [1, 2, 3.5, 5, 3.5]);
  // Ties on both sides (scipy: spearmanr 0.5789473684210528, pearsonr 0.44452602112660017).
  const a = [1, 2, 2, 3, 10];
  const b = [3, 1, 1, 5, 4];
  assert.ok(Math.abs(spearman(a, b)! - 0.5789473684210528) < 1e-15);
  assert.ok(Math.abs(pearson(a, b)! - 0.44452602112660017) < 1e-15);
  assert.ok(Math.abs(computeScore(a, b, 'pearson_and_spearman')! - (0.5789473684210528 + 0.44452602112660017) / 2) < 1e-15);
  // NeuroX's mocked case: pearson 0.8, spearman 0.4 give 0.6.
  assert.ok(Math.abs(scoreOf('pearson_and_spearman', { pearson: 0.8, spearman: 0.4, pearsonAndSpearman: 0.6, mse: 0 })! - 0.6) < 1e-15);
});

test('correlations of a constant side are undefined (null), as scipy returns nan; mse', () => {
  // NeuroX's test_pearson feeds y = [1]*50 against itself: scipy warns and gives nan.
  assert.equal(pearson(ones(50), ones(50)), null);
  assert.equal(spearman(ones(50), ones(50)), null);
  const m = regressionMetrics([1, 2, 3], [1, 2, 5]);
  assert.equal(m.mse, 4 / 3);
  assert.ok(m.pearson! > 0.96 && m.pearson! < 1);
  assert.equal(m.spearman, 1);
  assert.equal(meanSquaredError([0, 0], [3, 4]), 12.5);
});

test('each metric asked of the wrong kind of probe is refused by name', () => {
  const reg = regressionMetrics([1, 2, 3], [1, 2, 5]);
  const cls = classificationMetrics(confusionOf([0, 1], [0, 1]));
  assert.throws(() => scoreOf('f1', reg), (e: unknown) => e instanceof GrainError && /'f1' scores classes/.test(e.message));
  assert.throws(() => scoreOf('pearson', cls), (e: unknown) => e instanceof GrainError && /'pearson' scores real values/.test(e.message));
  assert.throws(() => computeScore([1, 2], [1], 'accuracy'), /2 predictions for 1 labels/);
  assert.throws(() => pearson([1, NaN], [1, 2]), /row 1 is not a finite number/);
});
