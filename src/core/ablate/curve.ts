import { GrainError, throwIfAborted } from '../errors';
import { ablationFromNeurons } from './mask-spec';
import { createEvaluator, type Evaluator, type Measurement } from './measure';
import type { AblationSession } from './session';
import type { PreparedText } from './text';
import { seededRng } from '../random';

/** Neuron ids, most important first (e.g. an LCA or MaxCorr ranking, or its reverse). */
export interface Ordering {
  name: string;
  neurons: Int32Array;
}

export interface CurveOptions {
  /** Draws of a random ordering, summarized by mean, std, min and max (default 5; 0: none). */
  randomDraws?: number;
  seed?: number;
  signal?: AbortSignal;
  /** After every model run: runs done, runs in all, and what was just run. */
  onProgress?: (done: number, total: number, label: string) => void;
  /** Measures the runs (one per session and text, so a representation baseline is shared); default: a new one. */
  evaluator?: Evaluator;
}

export interface CurveSeries {
  name: string;
  /** The objective's figure (mean NLL, or mean 1 - cosine) after zeroing the first counts[k] neurons of the ordering. */
  values: Float64Array;
  /** Everything measured at each count. */
  points: Measurement[];
}

export interface RandomCurve {
  draws: number;
  seed: number;
  /** [draws x counts] the figure of each draw. */
  perDraw: Float64Array;
  /** [draw][count]: everything measured. */
  points: Measurement[][];
  mean: Float64Array;
  /** Sample standard deviation over draws (0 with one draw). */
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

export interface AblationCurves {
  counts: Int32Array;
  neurons: number;
  tokens: number;
  baseline: Measurement;
  series: CurveSeries[];
  random: RandomCurve | null;
}

/** Counts from percentages of `neurons` (rounded to the nearest neuron). */
export function countsFromPercents(percents: readonly number[], neurons: number): number[] {
  return percents.map((p) => {
    if (!(p >= 0 && p <= 100)) throw new GrainError(`ablation percentage ${p} is not between 0 and 100`);
    return Math.round((p / 100) * neurons);
  });
}

function checkOrdering(o: Ordering, neurons: number, maxCount: number): void {
  const seen = new Uint8Array(neurons);
  for (const id of o.neurons) {
    if (!Number.isInteger(id) || id < 0 || id >= neurons) {
      throw new GrainError(`ordering '${o.name}': neuron id ${id} is out of range (the model's sites have neurons 0-${neurons - 1})`);
    }
    if (seen[id]) throw new GrainError(`ordering '${o.name}': neuron ${id} is listed twice`);
    seen[id] = 1;
  }
  if (o.neurons.length < maxCount) {
    throw new GrainError(`ordering '${o.name}' has ${o.neurons.length} neurons, but the curve ablates up to ${maxCount}`);
  }
}

/** A uniformly random order of all neurons (seeded Fisher-Yates). */
export function randomOrdering(neurons: number, seed: number): Int32Array {
  const ids = Int32Array.from({ length: neurons }, (_, i) => i);
  const rand = seededRng(seed);
  for (let i = neurons - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = ids[i];
    ids[i] = ids[j];
    ids[j] = t;
  }
  return ids;
}

/**
 * For each ordering and count, the objective's figure with the ordering's first `count` neurons
 * zeroed, through the one session (only the mask inputs change between runs). Count 0 is the
 * unablated model, run once and shared by every series.
 */
export async function ablationCurve(
  session: AblationSession,
  text: PreparedText,
  orderings: readonly Ordering[],
  counts: readonly number[],
  opts: CurveOptions = {},
): Promise<AblationCurves> {
  const neurons = session.neurons;
  if (counts.length === 0) throw new GrainError('an ablation curve needs at least one count');
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0 || c > neurons) throw new GrainError(`ablation count ${c} is not between 0 and ${neurons} neurons`);
  }
  const maxCount = Math.max(...counts);
  orderings.forEach((o) => checkOrdering(o, neurons, maxCount));
  const draws = opts.randomDraws ?? 5;
  if (!Number.isInteger(draws) || draws < 0) throw new GrainError(`random draws must be a non-negative integer, got ${draws}`);
  const seed = opts.seed ?? 1;
  const evaluator = opts.evaluator ?? createEvaluator(session, text);
  const nonZero = counts.filter((c) => c > 0).length;
  const total = 1 + (orderings.length + draws) * nonZero;
  let done = 0;
  const step = (label: string) => opts.onProgress?.(++done, total, label);

  throwIfAborted(opts.signal);
  const baseline = await evaluator.evaluate(null, { signal: opts.signal });
  step('no ablation');
  const curveOf = async (name: string, order: Int32Array): Promise<Measurement[]> => {
    const out: Measurement[] = [];
    for (let k = 0; k < counts.length; k++) {
      if (counts[k] === 0) {
        out.push(baseline);
        continue;
      }
      throwIfAborted(opts.signal);
      const ablation = ablationFromNeurons(order.subarray(0, counts[k]), session.sites);
      out.push(await evaluator.evaluate(ablation, { signal: opts.signal }));
      step(`${name}: ${counts[k]} neurons`);
    }
    return out;
  };
  const valuesOf = (points: Measurement[]) => Float64Array.from(points, (p) => p.value);

  const series: CurveSeries[] = [];
  for (const o of orderings) {
    const points = await curveOf(o.name, o.neurons);
    series.push({ name: o.name, values: valuesOf(points), points });
  }

  let random: RandomCurve | null = null;
  if (draws > 0) {
    const perDraw = new Float64Array(draws * counts.length);
    const points: Measurement[][] = [];
    for (let d = 0; d < draws; d++) {
      // Each draw has its own seed, so adding draws keeps the earlier ones.
      points.push(await curveOf(`random ${d + 1}/${draws}`, randomOrdering(neurons, seed + d * 7919)));
      perDraw.set(valuesOf(points[d]), d * counts.length);
    }
    random = { ...summarizeDraws(perDraw, draws, counts.length, seed), points };
  }
  return { counts: Int32Array.from(counts), neurons, tokens: text.tokens, baseline, series, random };
}

function summarizeDraws(perDraw: Float64Array, draws: number, n: number, seed: number): Omit<RandomCurve, 'points'> {
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  for (let k = 0; k < n; k++) {
    for (let d = 0; d < draws; d++) {
      const v = perDraw[d * n + k];
      mean[k] += v / draws;
      min[k] = Math.min(min[k], v);
      max[k] = Math.max(max[k], v);
    }
    let ss = 0;
    for (let d = 0; d < draws; d++) ss += (perDraw[d * n + k] - mean[k]) ** 2;
    std[k] = draws > 1 ? Math.sqrt(ss / (draws - 1)) : 0;
  }
  return { draws, seed, perDraw, mean, std, min, max };
}
