import type { ProbePredictionsJob } from '../shared/jobs';
import type { ProbePredictionsResult } from '../shared/job-results';
import { DEFAULTS } from '../shared/defaults';
import { GrainError } from '../core/errors';
import { extractTo } from '../core/extract/extractor';
import { topByAbsZ } from '../core/heat/z-scores';
import { createGemm, type Gemm } from '../core/linalg/gemm';
import { classProbabilities } from '../core/probe/predict';
import type { ActivationSink } from '../core/store/sink';
import type { JobContext } from './context';
import { cachedModel } from './model-cache';
import { probeFile, statsFile } from './text-activations';

/**
 * The probe's prediction for every word of labelled sentences. The sentences run as the probe's
 * training ran them (its aggregation and sites, long sentences in windows) and each batch of rows
 * is predicted as it arrives, so no file's activations are ever held whole.
 */
export async function runProbePredictions(job: ProbePredictionsJob, ctx: JobContext): Promise<ProbePredictionsResult> {
  const started = performance.now();
  const probe = probeFile(job.probe);
  const { aggregation, sites } = probe.result.source;
  const model = await cachedModel(job.model, sites, job.threads);
  const n = model.neurons;
  if (probe.result.neurons !== n) {
    throw new GrainError(`this probe was trained on ${probe.result.neurons} neurons, but ${model.dir} has ${n} at sites '${sites}'`, { file: job.probe });
  }
  const stats = job.stats ? statsFile(job.stats) : undefined;
  if (stats && stats.file.neurons !== n) {
    throw new GrainError(`these neuron statistics cover ${stats.file.neurons} neurons, the model has ${n} at the probe's sites '${sites}': recompute them`, { file: job.stats });
  }
  if (job.labels && (job.labels.length !== job.sentences.length || job.labels.some((l, i) => l.length !== job.sentences[i].length))) {
    throw new Error('probe-predictions: labels are not parallel to the sentences');
  }
  const classes = probe.result.classes;
  const index = new Map(classes.map((c, i) => [c, i]));
  const rows = job.sentences.reduce((s, w) => s + w.length, 0);
  const topK = stats ? Math.min(job.topK ?? DEFAULTS.topNeuronsPerWord, n) : 0;
  const out: ProbePredictionsResult = {
    classes,
    aggregation,
    sites,
    siteInfo: model.sites.map((s) => ({ name: s.name, width: s.width })),
    rows,
    sentenceOffsets: new Int32Array(job.sentences.length + 1),
    predicted: new Int32Array(rows).fill(-1),
    probability: new Float32Array(rows),
    gold: job.labels ? Int32Array.from(job.labels.flat(), (l) => index.get(l) ?? -1) : new Int32Array(rows).fill(-1),
    goldProbability: new Float32Array(rows).fill(NaN),
    known: 0,
    correct: 0,
    topK,
    topIds: new Int32Array(rows * topK).fill(-1),
    topZ: new Float32Array(rows * topK),
    topValues: new Float32Array(rows * topK),
    seconds: 0,
  };
  const gemm = await createGemm({ threads: job.threads });
  try {
    const sink = new PredictingSink(gemm, probe.model.weights, probe.model.bias, n, out, stats);
    await extractTo(
      model,
      {
        sentences: job.sentences,
        lines: job.lines,
        source: job.source,
        aggregation,
        subword: false,
        keepSpecial: false,
        batchSize: job.batchSize,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ stage: 'predicting', done, total }),
        onWarning: (w) => ctx.warn(w),
      },
      sink,
    );
    if (sink.at !== rows) throw new Error(`probe-predictions: ${sink.at} rows for ${rows} words`);
  } finally {
    await gemm.dispose();
  }
  for (let r = 0; r < rows; r++) {
    if (out.gold[r] < 0) continue;
    out.known++;
    if (out.predicted[r] === out.gold[r]) out.correct++;
  }
  out.seconds = (performance.now() - started) / 1000;
  return out;
}

/** Predicts the rows extraction hands it, in order, into the result's arrays. */
class PredictingSink implements ActivationSink {
  at = 0;
  private sentence = 0;

  constructor(
    private readonly gemm: Gemm,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    private readonly neurons: number,
    private readonly out: ProbePredictionsResult,
    private readonly stats?: { mean: Float64Array; std: Float64Array },
  ) {}

  async begin(): Promise<void> {}

  async appendRows(tokens: string[], data: Float32Array): Promise<void> {
    const rows = tokens.length;
    if (rows === 0) return;
    const { out, neurons: n } = this;
    const classes = this.bias.length;
    const p = await classProbabilities(this.gemm, this.weights, this.bias, data, rows, n);
    for (let i = 0; i < rows; i++) {
      const r = this.at + i;
      let best = 0;
      for (let c = 1; c < classes; c++) if (p[i * classes + c] > p[i * classes + best]) best = c;
      out.predicted[r] = best;
      out.probability[r] = p[i * classes + best];
      if (out.gold[r] >= 0) out.goldProbability[r] = p[i * classes + out.gold[r]];
      if (this.stats && out.topK > 0) {
        const got = topByAbsZ(data, i * n, n, this.stats.mean, this.stats.std, out.topK, out.topIds, out.topZ, r * out.topK);
        for (let t = 0; t < got; t++) out.topValues[r * out.topK + t] = data[i * n + out.topIds[r * out.topK + t]];
      }
    }
    this.at += rows;
  }

  endSentence(): void {
    this.out.sentenceOffsets[++this.sentence] = this.at;
  }

  async close(): Promise<void> {}

  async abort(): Promise<void> {}
}
