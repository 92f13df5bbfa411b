/** Predictions of a trained probe: class ids and their softmax probabilities. */
import { createGemm, type Gemm } from '../linalg/gemm';
import { GrainError, throwIfAborted } from '../errors';
import type { ProbeSource, RowChunk } from './data';
import type { ProbeModel } from './model';
import { softmaxRows } from './softmax';

export interface RowPrediction {
  predicted: number;
  probability: number;
  /** Softmax over all classes. */
  probabilities: Float32Array;
}

/** One row of all neurons (e.g. the word under the editor's cursor). */
export function predictRow(model: ProbeModel, row: Float32Array): RowPrediction {
  const w = model.columns.length;
  const logits = new Float32Array(model.classes);
  for (let c = 0; c < model.classes; c++) {
    let s = 0;
    for (let j = 0; j < w; j++) s += model.weights[c * w + j] * row[model.columns[j]];
    logits[c] = s;
  }
  softmaxRows(logits, 1, model.classes, model.bias);
  let best = 0;
  for (let c = 1; c < model.classes; c++) if (logits[c] > logits[best]) best = c;
  return { predicted: best, probability: logits[best], probabilities: logits };
}

export interface Predictions {
  predicted: Int32Array;
  /** Probability of the predicted class per row. */
  probability: Float32Array;
}

export interface PredictOptions {
  /** Neuron ids whose activations are set to 0 before predicting (the zero-out experiment). */
  zeroOut?: ArrayLike<number>;
  chunkRows?: number;
  gemm?: Gemm;
  signal?: AbortSignal;
}

/** Predicts every row of a source, a chunk at a time. */
export async function predictSource(model: ProbeModel, source: ProbeSource, opts: PredictOptions = {}): Promise<Predictions> {
  const n = source.neurons;
  const w = model.columns.length;
  for (const c of model.columns) if (c >= n) throw new GrainError(`probe uses neuron ${c} but the activations have ${n} neurons`);
  // Zeroing an input neuron is the same as zeroing its weight column.
  const weights = new Float32Array(model.classes * n);
  for (let c = 0; c < model.classes; c++) for (let j = 0; j < w; j++) weights[c * n + model.columns[j]] = model.weights[c * w + j];
  for (const z of Array.from(opts.zeroOut ?? [])) for (let c = 0; c < model.classes; c++) weights[c * n + z] = 0;
  const predicted = new Int32Array(source.rows);
  const probability = new Float32Array(source.rows);
  const gemm = opts.gemm ?? (await createGemm());
  try {
    for await (const chunk of source.chunks(opts.chunkRows ?? 4096) as AsyncIterable<RowChunk>) {
      throwIfAborted(opts.signal);
      const p = await classProbabilities(gemm, weights, model.bias, chunk.data, chunk.rows, n);
      for (let r = 0; r < chunk.rows; r++) {
        let best = 0;
        for (let c = 1; c < model.classes; c++) if (p[r * model.classes + c] > p[r * model.classes + best]) best = c;
        predicted[chunk.start + r] = best;
        probability[chunk.start + r] = p[r * model.classes + best];
      }
    }
  } finally {
    if (!opts.gemm) await gemm.dispose();
  }
  return { predicted, probability };
}

/**
 * Softmax(x W^T + b) of `rows` rows of all neurons (row-major, `neurons` wide), with weights
 * spread over every neuron ([classes x neurons], fullWeights): rows x classes probabilities.
 */
export async function classProbabilities(
  gemm: Pick<Gemm, 'abt'>,
  weights: Float32Array,
  bias: Float32Array,
  data: Float32Array,
  rows: number,
  neurons: number,
): Promise<Float32Array> {
  const classes = bias.length;
  if (weights.length !== classes * neurons) throw new GrainError(`the probe has ${weights.length / classes} weights per class but the activations have ${neurons} neurons`);
  const p = await gemm.abt(data.subarray(0, rows * neurons), weights, rows, neurons, classes);
  softmaxRows(p, rows, classes, bias);
  return p;
}
