import type { ProbeJob } from '../shared/jobs';
import { header, type ProbeResult } from '../shared/results';
import { GRAIN_VERSION } from '../shared/version';
import { trainFullProbe, controlSelectivity, topWordsPerNeuron, type SelectivityResult } from '../core/experiments';
import { controlLabels, createControlTask } from '../core/corpus';
import { evaluatePredictions } from '../core/probe/evaluate';
import { predictSource } from '../core/probe/predict';
import { topNeurons } from '../core/rank';
import { countBySite } from '../core/neurons';
import { writeJsonAtomic } from '../core/io/atomic';
import type { JobContext } from './context';
import { prepareProbeTask, type PreparedTask } from './probe-task';
import { withTempDir } from './temp';

/** How many of the best neurons get their top words in the result (the report's table). */
const TOP_WORD_NEURONS = 50;

/**
 * Trains the elastic-net probe on the labelled data, evaluates it, ranks the neurons as NeuroX
 * does, and writes everything the ranked-neurons report draws.
 */
export async function runProbe(job: ProbeJob, ctx: JobContext): Promise<ProbeResult> {
  return withTempDir(async (dir) => {
    const p = await prepareProbeTask(job, job.probe, dir, ctx);
    try {
      const { task } = p;
      ctx.progress({ stage: 'training probe', done: 0, total: 1 });
      const full = await trainFullProbe(task);
      ctx.progress({ stage: 'evaluating', done: 1, total: 1 });
      const testPred = await predictSource(full.model, task.test, { gemm: task.gemm, signal: ctx.signal });
      const test = evaluatePredictions(testPred.predicted, task.yTest, task.classes);
      const trainPred = await predictSource(full.model, task.train, { gemm: task.gemm, signal: ctx.signal });
      const train = evaluatePredictions(trainPred.predicted, task.yTrain, task.classes);
      const neurons = task.train.neurons;
      const inProbe = p.columns ? new Set(p.columns) : undefined;
      const ordering = inProbe ? full.result.ordering.filter((n) => inProbe.has(n)) : full.result.ordering;
      const top = topNeurons(full.ranking, task.classes, neurons, job.topPercentage);
      const control = job.control ? await controlTask(p, full.result.accuracy, job.probe.seed, ctx) : undefined;
      const result: ProbeResult = {
        ...header('probe', GRAIN_VERSION),
        data: { ...p.description, classFilter: p.classFilter, unseenTest: p.unseenTest },
        source: { model: job.model, activations: job.activations, aggregation: job.aggregation, sites: job.sites },
        settings: { ...job.probe, neuronOrder: job.probe.neuronOrder ?? 'mass', topPercentage: job.topPercentage, control: job.control },
        sites: p.sites,
        neurons,
        probedNeurons: p.columns ? Array.from(p.columns) : null,
        classes: p.classNames,
        train: { accuracy: train.accuracy, rows: train.rows },
        test: {
          accuracy: test.accuracy,
          rows: test.rows,
          macroF1: test.macroF1,
          majorityBaseline: test.majorityBaseline,
          majorityClass: p.classNames[test.majorityClass],
          classAccuracy: test.classAccuracy.map((a) => (Number.isNaN(a) ? null : a)),
          classSupport: test.classSupport,
          confusion: test.confusion,
        },
        control: control ?? null,
        weights: Array.from(full.weights),
        rankingWeights: Array.from(full.ranking),
        bias: Array.from(full.model.bias),
        ordering,
        perClassTop: Object.fromEntries(p.classNames.map((c, i) => [c, Array.from(top.perClass[i])])),
        topOverall: Array.from(top.overall),
        topBySite: Array.from(countBySite(top.overall, p.sites)),
        topWords: topWordsPerNeuron(p.trainSource, ordering.slice(0, TOP_WORD_NEURONS), { n: 10 }),
        timings: { extractSeconds: p.extractSeconds, trainSeconds: full.result.trainSeconds, gflops: full.report.gflops },
        training: full.report,
      };
      writeJsonAtomic(job.out, result);
      return result;
    } finally {
      await p.close();
    }
  });
}

/**
 * Hewitt & Liang's control task: every word type gets a fixed random label from the training
 * label distribution; selectivity = task accuracy - control accuracy of the same probe family.
 */
export async function controlTask(p: PreparedTask, taskAccuracy: number, seed: number, ctx: JobContext): Promise<SelectivityResult> {
  ctx.progress({ stage: 'training control probe', done: 0, total: 1 });
  const { task } = p;
  const yTrain = controlLabels(p.trainWords, task.yTrain, task.classes, seed);
  const control = createControlTask(p.trainWords, task.yTrain, task.classes, seed);
  const yTest = control.label(p.testWords).map((c, i) => (task.yTest[i] < 0 ? -1 : c));
  return controlSelectivity(task, yTrain, yTest, p.columns, taskAccuracy);
}
