import type { ProbeJob } from '../shared/jobs';
import { header, type ClassifierProbeResult, type ProbeResult, type RegressionProbeResult } from '../shared/results';
import { GRAIN_VERSION } from '../shared/version';
import { trainFullProbe, controlSelectivity, topWordsPerNeuron, type SelectivityResult } from '../core/experiments';
import { rankingWeights } from '../core/experiments/task';
import { controlLabels, createControlTask } from '../core/corpus';
import { evaluatePredictions } from '../core/probe/evaluate';
import { classificationMetrics, regressionMetrics, scoreOf } from '../core/probe/metrics';
import { fullWeights } from '../core/probe/model';
import { predictSource } from '../core/probe/predict';
import { predictValues, trainRegressionProbe } from '../core/probe/regression';
import { neuronOrdering, topNeurons } from '../core/rank';
import { countBySite } from '../core/neurons';
import { writeJsonAtomic } from '../core/io/atomic';
import { GrainError } from '../core/errors';
import type { JobContext } from './context';
import { checkDataFits } from './labelled';
import { prepareProbeTask, type PreparedTask } from './probe-task';
import { withTempDir } from './temp';
import { trainingDescriptions } from './describe';

/** How many of the best neurons get their top words in the result (the report's table). */
const TOP_WORD_NEURONS = 50;

/**
 * Trains the elastic-net probe on the labelled data (a classifier, or a linear regression for
 * real-valued targets), evaluates it in NeuroX's metrics, ranks the neurons as NeuroX does, and
 * writes everything the ranked-neurons report draws.
 */
export async function runProbe(job: ProbeJob, ctx: JobContext): Promise<ProbeResult> {
  checkDataFits(job.data, job.probe.task ?? 'classification', { control: job.control, balance: job.probe.balance });
  return withTempDir(async (dir) => {
    const p = await prepareProbeTask(job, job.probe, dir, ctx);
    try {
      const result = p.kind === 'regression' ? await regressionProbe(job, p, ctx) : await classifierProbe(job, p, ctx);
      writeJsonAtomic(job.out, result);
      return result;
    } finally {
      await p.close();
    }
  });
}

/** The parts of a probe result that do not depend on the kind of probe. */
function common(job: ProbeJob, p: PreparedTask) {
  return {
    ...header('probe', GRAIN_VERSION),
    data: { ...p.description, classFilter: p.classFilter, unseenTest: p.unseenTest },
    source: { model: job.model, activations: job.activations, aggregation: job.aggregation, sites: job.sites },
    settings: { ...job.probe, neuronOrder: job.probe.neuronOrder ?? 'mass', topPercentage: job.topPercentage, control: job.control },
    sites: p.sites,
    neurons: p.task.train.neurons,
    probedNeurons: p.columns ? Array.from(p.columns) : null,
    classes: p.classNames,
  };
}

/** Rankings of the probe's [classes x neurons] ranking weights (one row for regression), as NeuroX's. */
function rankings(p: PreparedTask, job: ProbeJob, ranking: Float32Array, ordering: number[]) {
  const neurons = p.task.train.neurons;
  const classes = p.classNames.length;
  const top = topNeurons(ranking, classes, neurons, job.topPercentage);
  return {
    ordering,
    perClassTop: Object.fromEntries(p.classNames.map((c, i) => [c, Array.from(top.perClass[i])])),
    topOverall: Array.from(top.overall),
    topBySite: Array.from(countBySite(top.overall, p.sites)),
    topWords: topWordsPerNeuron(p.trainSource, ordering.slice(0, TOP_WORD_NEURONS), { n: 10 }),
  };
}

async function classifierProbe(job: ProbeJob, p: PreparedTask, ctx: JobContext): Promise<ClassifierProbeResult> {
  const { task } = p;
  ctx.progress({ stage: 'training probe', done: 0, total: 1 });
  const full = await trainFullProbe(task);
  ctx.progress({ stage: 'evaluating', done: 1, total: 1 });
  const testPred = await predictSource(full.model, task.test, { gemm: task.gemm, signal: ctx.signal });
  const test = evaluatePredictions(testPred.predicted, task.yTest, task.classes);
  const trainPred = await predictSource(full.model, task.train, { gemm: task.gemm, signal: ctx.signal });
  const train = evaluatePredictions(trainPred.predicted, task.yTrain, task.classes);
  const metric = job.probe.metric ?? 'accuracy';
  const testMetrics = classificationMetrics(test.confusion);
  const trainMetrics = classificationMetrics(train.confusion);
  const inProbe = p.columns ? new Set(p.columns) : undefined;
  const ordering = inProbe ? full.result.ordering.filter((n) => inProbe.has(n)) : full.result.ordering;
  const control = job.control ? await controlTask(p, full.result.accuracy, job.probe, ctx) : undefined;
  const ranked = rankings(p, job, full.ranking, ordering);
  // Descriptions read each training row as a word with its gold tag: word-level rows only (not
  // sentence-level probes, nor a balanced sample, whose rows are not the text's words).
  const wordRows = p.description.sentenceLevel === undefined && p.trainWords.length === task.yTrain.length;
  let descriptions;
  if (wordRows) {
    ctx.progress({ stage: 'describing neurons', done: 0, total: 1 });
    const probe = { classes: p.classNames, perClassTop: ranked.perClassTop, rankingWeights: full.ranking, neurons: task.train.neurons, ordering, sites: p.sites };
    descriptions = trainingDescriptions(p.trainSource, p.trainWords, task.yTrain, probe, ordering, control?.selectivity ?? null, ctx.signal);
  }
  return {
    ...common(job, p),
    train: { accuracy: train.accuracy, rows: train.rows, score: scoreOf(metric, trainMetrics) as number },
    test: {
      accuracy: test.accuracy,
      rows: test.rows,
      macroF1: test.macroF1,
      majorityBaseline: test.majorityBaseline,
      majorityClass: p.classNames[test.majorityClass],
      classAccuracy: test.classAccuracy.map((a) => (Number.isNaN(a) ? null : a)),
      classSupport: test.classSupport,
      confusion: test.confusion,
      score: scoreOf(metric, testMetrics) as number,
      metrics: { ...testMetrics, ...(testMetrics.f1Average === 'binary' ? { positiveClass: p.classNames[1] } : {}) },
    },
    control: control ?? null,
    weights: Array.from(full.weights),
    rankingWeights: Array.from(full.ranking),
    bias: Array.from(full.model.bias),
    ...ranked,
    timings: { extractSeconds: p.extractSeconds, trainSeconds: full.result.trainSeconds, gflops: full.report.gflops },
    training: full.report,
    ...(descriptions ? { descriptions } : {}),
  };
}

/**
 * NeuroX's linear-regression probe: MSE with the same elastic net, scored by Pearson, Spearman
 * and MSE against predicting the training mean; its single weight row ranked as one class.
 */
async function regressionProbe(job: ProbeJob, p: PreparedTask, ctx: JobContext): Promise<RegressionProbeResult> {
  const { task } = p;
  const targets = p.targets!;
  const metric = job.probe.metric ?? 'pearson';
  ctx.progress({ stage: 'training regression probe', done: 0, total: 1 });
  const t0 = performance.now();
  const trained = await trainRegressionProbe(task.train, targets.train, { ...task.probe, columns: p.columns, gemm: task.gemm });
  const trainSeconds = (performance.now() - t0) / 1000;
  ctx.progress({ stage: 'evaluating', done: 1, total: 1 });
  const scored = async (source: typeof task.train, t: Float32Array) => {
    const pred = await predictValues(trained.model, source, { gemm: task.gemm, signal: ctx.signal });
    const rows: number[] = [];
    for (let r = 0; r < t.length; r++) if (!Number.isNaN(t[r])) rows.push(r);
    if (rows.length === 0) throw new GrainError('no rows with a target to score');
    return { pred: rows.map((r) => pred[r]), truth: rows.map((r) => t[r]) };
  };
  const tr = await scored(task.train, targets.train);
  const te = await scored(task.test, targets.test);
  const trainMetrics = regressionMetrics(tr.pred, tr.truth);
  const testMetrics = regressionMetrics(te.pred, te.truth);
  const mean = tr.truth.reduce((a, b) => a + b, 0) / tr.truth.length;
  const testMean = te.truth.reduce((a, b) => a + b, 0) / te.truth.length;
  const neurons = task.train.neurons;
  const ranking = rankingWeights(trained.model, trained.columnStd, neurons);
  const ordering = Array.from(neuronOrdering(ranking, 1, neurons, Math.min(100, neurons), job.probe.neuronOrder ?? 'mass').ordering);
  const inProbe = p.columns ? new Set(p.columns) : undefined;
  return {
    ...common(job, p),
    task: 'regression',
    train: { rows: tr.truth.length, score: scoreOf(metric, trainMetrics), metrics: trainMetrics },
    test: {
      rows: te.truth.length,
      score: scoreOf(metric, testMetrics),
      metrics: testMetrics,
      meanBaselineMse: te.truth.reduce((a, v) => a + (v - mean) ** 2, 0) / te.truth.length,
      targetMean: testMean,
      targetStd: Math.sqrt(te.truth.reduce((a, v) => a + (v - testMean) ** 2, 0) / te.truth.length),
    },
    control: null,
    weights: Array.from(fullWeights(trained.model, neurons)),
    rankingWeights: Array.from(ranking),
    bias: Array.from(trained.model.bias),
    ...rankings(p, job, ranking, inProbe ? ordering.filter((n) => inProbe.has(n)) : ordering),
    timings: { extractSeconds: p.extractSeconds, trainSeconds, gflops: trained.report.gflops },
    training: trained.report,
  };
}

/**
 * Hewitt & Liang's control task: every word type gets a fixed random label, from the training
 * label distribution or uniformly over its classes (NeuroX's sample_from), word types
 * case-sensitive or not; selectivity = task score - control score of the same probe family.
 */
export async function controlTask(p: PreparedTask, taskScore: number, settings: ProbeJob['probe'], ctx: JobContext): Promise<SelectivityResult> {
  ctx.progress({ stage: 'training control probe', done: 0, total: 1 });
  const { task } = p;
  const opts = { sampling: settings.controlSampling, caseSensitive: settings.controlCaseSensitive };
  const yTrain = controlLabels(p.trainWords, task.yTrain, task.classes, settings.seed, opts);
  const control = createControlTask(p.trainWords, task.yTrain, task.classes, settings.seed, opts);
  const yTest = control.label(p.testWords).map((c, i) => (task.yTest[i] < 0 ? -1 : c));
  return controlSelectivity(task, yTrain, yTest, p.columns, taskScore);
}
