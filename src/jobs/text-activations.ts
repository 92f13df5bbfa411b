import { DEFAULTS } from '../shared/defaults';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TextActivationsJob } from '../shared/jobs';
import { readResult } from '../results/read';
import { aggregateRows, type RowPlan } from '../core/extract/aggregate';
import { planBatches } from '../core/extract/batches';
import { topByAbsZ, zScore } from '../core/heat/z-scores';
import type { TextActivationsResult } from '../shared/job-results';
import { wordClassifierProblem } from '../shared/results';
import { GrainError, throwIfAborted } from '../core/errors';
import { predictRow } from '../core/probe/predict';
import type { ProbeModel } from '../core/probe/model';
import type { EncodedSentence } from '../core/tokenize';
import { splitWords, wordSpans } from '../core/text';
import type { JobContext } from './context';
import { readNeuronStats } from './neuron-stats';
import { cachedModel } from './model-cache';

/** Files read by path, reloaded when their mtime or size changes. */
function fileCache<T>(read: (path: string) => T): (path: string) => T {
  const cache = new Map<string, { stamp: string; value: T }>();
  return (path) => {
    const abs = resolve(path);
    let stamp: string;
    try {
      const st = statSync(abs);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      throw new GrainError('file not found', { file: abs });
    }
    const hit = cache.get(abs);
    if (hit && hit.stamp === stamp) return hit.value;
    const value = read(abs);
    cache.set(abs, { stamp, value });
    if (cache.size > 8) cache.delete(cache.keys().next().value as string);
    return value;
  };
}

export const statsFile = fileCache((path) => {
  const f = readNeuronStats(path);
  return { file: f, mean: Float64Array.from(f.mean), std: Float64Array.from(f.std) };
});

export const probeFile = fileCache((path) => {
  const read = readResult(path);
  if (read.kind !== 'probe') throw new GrainError(`a ${read.kind} result has no probe to predict with; give a probe result`, { file: path });
  const r = read.result;
  const why = wordClassifierProblem(r);
  if (why) throw new GrainError(`${why}; per-word predictions need a word-level classifier`, { file: path });
  const columns = new Int32Array(r.neurons);
  for (let j = 0; j < r.neurons; j++) columns[j] = j;
  const model: ProbeModel = { classes: r.classes.length, columns, weights: Float32Array.from(r.weights), bias: Float32Array.from(r.bias) };
  return { result: r, model };
});

interface LineRows {
  line: number;
  words: string[];
  spans: { start: number; end: number }[];
  enc?: EncodedSentence;
  /** Words the model saw (the rest were cut off). */
  kept: number;
  plan?: RowPlan;
  /** Per row: index of its word. */
  rowWord: number[];
  rowText: string[];
  data?: Float32Array;
}

export async function runTextActivations(job: TextActivationsJob, ctx: JobContext): Promise<TextActivationsResult> {
  const started = performance.now();
  const model = await cachedModel(job.model, job.sites, job.threads);
  const n = model.neurons;
  for (const id of job.neurons) {
    if (!Number.isInteger(id) || id < 0 || id >= n) throw new GrainError(`neuron ${id} does not exist: ${model.dir} has neurons 0-${n - 1} at sites '${job.sites}'`);
  }
  const stats = job.stats ? statsFile(job.stats) : undefined;
  if (stats && stats.file.neurons !== n) {
    throw new GrainError(`these neuron statistics cover ${stats.file.neurons} neurons, the model has ${n}: recompute them`, { file: job.stats });
  }
  const probe = job.probe ? probeFile(job.probe) : undefined;
  if (probe && probe.result.neurons !== n) {
    throw new GrainError(`this probe was trained on ${probe.result.neurons} neurons, but ${model.dir} has ${n} at sites '${job.sites}'`, { file: job.probe });
  }
  const limit = Number.isFinite(model.maxLength ?? Infinity) ? (model.maxLength as number) : undefined;

  // Encode every non-empty line; a line too long for the model keeps its first words only.
  const lines: LineRows[] = [];
  const truncated: { line: number; droppedWords: number }[] = [];
  for (const { line, text } of job.lines) {
    const words = splitWords(text);
    if (words.length === 0) continue;
    const lr: LineRows = { line, words, spans: wordSpans(text), kept: 0, rowWord: [], rowText: [] };
    try {
      lr.enc = model.tokenizer.encodeWords(words, { maxLength: model.maxLength });
      lr.kept = words.length - lr.enc.droppedWords;
    } catch (e) {
      if (!(e instanceof GrainError)) throw e;
      lr.enc = undefined; // even the first word does not fit
    }
    if (lr.kept < words.length) truncated.push({ line, droppedWords: words.length - lr.kept });
    if (lr.enc) lr.plan = planLineRows(lr, job.subword);
    for (let w = lr.kept; w < words.length; w++) {
      lr.rowWord.push(w);
      lr.rowText.push(words[w]);
    }
    lines.push(lr);
  }

  // Run the model in batches of similar length.
  const runnable = lines.filter((l) => l.enc);
  const lengths = Int32Array.from(runnable, (l) => l.enc!.ids.length);
  const batches = planBatches(lengths, 0, runnable.length, Math.max(1, job.batchSize), !model.padSafe);
  let done = 0;
  for (const batch of batches) {
    throwIfAborted(ctx.signal);
    const readers = await model.run(batch.map((i) => runnable[i].enc!.ids));
    batch.forEach((i, b) => {
      const lr = runnable[i];
      const plan = lr.plan!;
      lr.data = new Float32Array((plan.starts.length - 1) * n);
      aggregateRows(plan, b, readers, n, job.aggregation, lr.data);
    });
    done += batch.length;
    ctx.progress({ stage: 'activations', done, total: runnable.length });
  }
  throwIfAborted(ctx.signal);

  // Flatten into per-row arrays, in document order.
  const rows = lines.reduce((s, l) => s + l.rowWord.length, 0);
  const m = job.neurons.length;
  const topK = stats ? Math.min(job.topK ?? DEFAULTS.topNeuronsPerWord, n) : 0;
  const out: TextActivationsResult = {
    model: model.dir,
    siteInfo: model.sites.map((s) => ({ name: s.name, width: s.width })),
    neurons: n,
    wanted: job.neurons.slice(),
    subword: job.subword,
    rows,
    line: new Int32Array(rows),
    start: new Int32Array(rows),
    end: new Int32Array(rows),
    text: new Array<string>(rows),
    computed: new Uint8Array(rows),
    values: new Float32Array(rows * m),
    z: new Float32Array(rows * m),
    wantedMean: stats ? Float64Array.from(job.neurons, (id) => stats.mean[id]) : new Float64Array(0),
    wantedStd: stats ? Float64Array.from(job.neurons, (id) => stats.std[id]) : new Float64Array(0),
    topK,
    topIds: new Int32Array(rows * topK).fill(-1),
    topZ: new Float32Array(rows * topK),
    topValues: new Float32Array(rows * topK),
    probe: probe && job.probe ? { path: job.probe, classes: probe.result.classes, predicted: new Int32Array(rows).fill(-1), probability: new Float32Array(rows) } : undefined,
    truncated,
    maxLength: limit ?? null,
    seconds: 0,
  };
  let r = 0;
  for (const lr of lines) {
    const computedRows = lr.plan ? lr.plan.starts.length - 1 : 0;
    for (let k = 0; k < lr.rowWord.length; k++, r++) {
      const w = lr.rowWord[k];
      out.line[r] = lr.line;
      out.start[r] = lr.spans[w].start;
      out.end[r] = lr.spans[w].end;
      out.text[r] = lr.rowText[k];
      if (k >= computedRows || !lr.data) continue;
      out.computed[r] = 1;
      const base = k * n;
      const row = lr.data.subarray(base, base + n);
      for (let j = 0; j < m; j++) {
        const v = row[job.neurons[j]];
        out.values[r * m + j] = v;
        if (stats) out.z[r * m + j] = zScore(v, stats.mean[job.neurons[j]], stats.std[job.neurons[j]]);
      }
      if (stats && topK > 0) {
        const got = topByAbsZ(lr.data, base, n, stats.mean, stats.std, topK, out.topIds, out.topZ, r * topK);
        for (let t = 0; t < got; t++) out.topValues[r * topK + t] = row[out.topIds[r * topK + t]];
      }
      if (probe && out.probe) {
        const p = predictRow(probe.model, row);
        out.probe.predicted[r] = p.predicted;
        out.probe.probability[r] = p.probability;
      }
    }
  }
  out.seconds = (performance.now() - started) / 1000;
  return out;
}

/**
 * Rows of one line: in word mode one per kept word (its subword positions), in subword mode one
 * per subword position of a kept word; special tokens are never rows (they have no place in
 * the text). Fills rowWord/rowText for the computed rows and returns the plan.
 */
function planLineRows(lr: LineRows, subword: boolean): RowPlan {
  const enc = lr.enc!;
  const starts: number[] = [0];
  const positions: number[] = [];
  let p = 0;
  const len = enc.wordIndex.length;
  while (p < len) {
    const w = enc.wordIndex[p];
    if (w < 0) {
      p++;
      continue;
    }
    if (subword) {
      positions.push(p);
      starts.push(positions.length);
      lr.rowWord.push(w);
      lr.rowText.push(enc.tokens[p]);
      p++;
      continue;
    }
    while (p < len && enc.wordIndex[p] === w) positions.push(p++);
    starts.push(positions.length);
    lr.rowWord.push(w);
    lr.rowText.push(lr.words[w]);
  }
  return { tokens: lr.rowText.slice(), starts: Int32Array.from(starts), positions: Int32Array.from(positions) };
}

export type { TextActivationsResult };
