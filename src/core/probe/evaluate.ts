/** Scores of predictions against labels: the numbers the paper's tables report. */
import { GrainError } from '../errors';

export interface Evaluation {
  /** Labelled rows scored (y >= 0). */
  rows: number;
  /** Rows skipped because their label is -1 (e.g. a class unseen in training). */
  skipped: number;
  accuracy: number;
  /** Recall per class (NeuroX's per-class accuracy); NaN where the class has no rows. */
  classAccuracy: number[];
  classSupport: number[];
  /** Mean F1 over classes that occur in the labels or the predictions. */
  macroF1: number;
  /** classes x classes, row = true class, column = predicted. */
  confusion: number[][];
  /** Accuracy of always predicting the most frequent class. */
  majorityBaseline: number;
  majorityClass: number;
}

export function evaluatePredictions(predicted: Int32Array, y: Int32Array, classes: number): Evaluation {
  if (predicted.length !== y.length) throw new GrainError(`evaluate: ${predicted.length} predictions for ${y.length} labels`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let rows = 0;
  let skipped = 0;
  let correct = 0;
  for (let r = 0; r < y.length; r++) {
    const t = y[r];
    if (t < 0) {
      skipped++;
      continue;
    }
    const p = predicted[r];
    if (t >= classes || p < 0 || p >= classes) throw new GrainError(`evaluate: class ${t >= classes ? t : p} at row ${r} is out of range (${classes} classes)`);
    confusion[t][p]++;
    rows++;
    if (p === t) correct++;
  }
  if (rows === 0) throw new GrainError('evaluate: no labelled rows to score');
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const predictedCount = new Array<number>(classes).fill(0);
  for (const row of confusion) row.forEach((v, c) => (predictedCount[c] += v));
  let f1Sum = 0;
  let f1Classes = 0;
  for (let c = 0; c < classes; c++) {
    if (support[c] === 0 && predictedCount[c] === 0) continue;
    const tp = confusion[c][c];
    f1Sum += (2 * tp) / (support[c] + predictedCount[c]);
    f1Classes++;
  }
  let majorityClass = 0;
  for (let c = 1; c < classes; c++) if (support[c] > support[majorityClass]) majorityClass = c;
  return {
    rows,
    skipped,
    accuracy: correct / rows,
    classAccuracy: support.map((s, c) => (s > 0 ? confusion[c][c] / s : NaN)),
    classSupport: support,
    macroF1: f1Classes > 0 ? f1Sum / f1Classes : 0,
    confusion,
    majorityBaseline: support[majorityClass] / rows,
    majorityClass,
  };
}

export interface Selectivity {
  taskAccuracy: number;
  controlAccuracy: number;
  /** Task accuracy minus control-task accuracy (Hewitt & Liang 2019). */
  selectivity: number;
}

export function selectivity(taskAccuracy: number, controlAccuracy: number): Selectivity {
  return { taskAccuracy, controlAccuracy, selectivity: taskAccuracy - controlAccuracy };
}
