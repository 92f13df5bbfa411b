/** A probing task (train/test activations with labels) and the full probe trained on it. */
import type { Gemm } from '../linalg/gemm';
import { GrainError } from '../errors';
import { evaluatePredictions } from '../probe/evaluate';
import { fullWeights, type ProbeModel } from '../probe/model';
import { predictSource } from '../probe/predict';
import type { ProbeSource } from '../probe/data';
import { trainProbe, type TrainOptions } from '../probe/train';
import { neuronOrdering, type WithinChunk } from '../rank';
import type { FullProbeResult } from './types';
import type { TrainReport } from '../probe/types';

export interface ProbeTask {
  train: ProbeSource;
  yTrain: Int32Array;
  test: ProbeSource;
  yTest: Int32Array;
  classes: number;
  classNames?: string[];
  gemm: Gemm;
  /** Passed to every probe trained (lambdas, mode, seed, ...). */
  probe?: Omit<TrainOptions, 'columns' | 'gemm' | 'classes'>;
  /** How neurons are ordered inside NeuroX's chunks of the full probe's ordering (default `mass`). */
  neuronOrder?: WithinChunk;
}

export interface FullProbe {
  model: ProbeModel;
  /** How training went: epochs, stopping reason, GFLOP/s. */
  report: TrainReport;
  /** [classes x neurons], zeros outside the probe's columns. */
  weights: Float32Array;
  /** The weights rankings are built from: |w| per standard deviation of the neuron (see rankingWeights). */
  ranking: Float32Array;
  result: FullProbeResult;
}

export function checkTask(task: ProbeTask): void {
  if (task.train.neurons !== task.test.neurons) {
    throw new GrainError(`train activations have ${task.train.neurons} neurons, test ${task.test.neurons}; they must come from the same model and sites`);
  }
}

/** Test accuracy of a probe retrained on the given neurons. */
export async function retrainAccuracy(task: ProbeTask, columns: ArrayLike<number>): Promise<number> {
  const { model } = await trainProbe(task.train, task.yTrain, { ...task.probe, columns, classes: task.classes, gemm: task.gemm });
  return testAccuracy(task, model);
}

export async function testAccuracy(task: ProbeTask, model: ProbeModel, zeroOut?: ArrayLike<number>): Promise<number> {
  const p = await predictSource(model, task.test, { gemm: task.gemm, zeroOut, signal: task.probe?.signal });
  return evaluatePredictions(p.predicted, task.yTest, task.classes).accuracy;
}

export async function trainFullProbe(task: ProbeTask): Promise<FullProbe> {
  checkTask(task);
  const t0 = performance.now();
  const { model, report, columnStd } = await trainProbe(task.train, task.yTrain, { ...task.probe, classes: task.classes, gemm: task.gemm });
  const trainSeconds = (performance.now() - t0) / 1000;
  const n = task.train.neurons;
  const weights = fullWeights(model, n);
  const p = await predictSource(model, task.test, { gemm: task.gemm });
  const ev = evaluatePredictions(p.predicted, task.yTest, task.classes);
  const ranking = rankingWeights(model, columnStd, n);
  const ordering = neuronOrdering(ranking, task.classes, n, Math.min(100, n), task.neuronOrder ?? 'mass').ordering;
  return {
    model,
    report,
    weights,
    ranking,
    result: {
      neurons: n,
      classes: task.classes,
      accuracy: ev.accuracy,
      macroF1: ev.macroF1,
      majorityBaseline: ev.majorityBaseline,
      ordering: Array.from(ordering),
      trainSeconds,
    },
  };
}

export function checkPercents(percents: readonly number[]): void {
  for (const p of percents) if (!(p > 0 && p <= 100)) throw new GrainError(`percentages must be in (0, 100], got ${p}`);
}

/**
 * Weights in units of each neuron's standard deviation: w * std. NeuroX ranks raw weights,
 * which favours neurons with small activations (they need large weights for the same effect):
 * embeddings and LSTM outputs differ in scale by an order of magnitude. Scaled weights measure
 * how much each neuron moves the logits, so the top neurons are the ones the probe relies on
 * (checked on Brown: top-k retrained beats random beats bottom, which raw weights did not give).
 */
export function rankingWeights(model: ProbeModel, columnStd: Float64Array, neurons: number): Float32Array {
  const scaled = new Float32Array(model.classes * neurons);
  const width = model.columns.length;
  for (let c = 0; c < model.classes; c++) {
    for (let k = 0; k < width; k++) scaled[c * neurons + model.columns[k]] = model.weights[c * width + k] * columnStd[k];
  }
  return scaled;
}
