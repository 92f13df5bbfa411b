import type { ExperimentJob } from '../shared/jobs';
import { header, type ExperimentsResult } from '../shared/results';
import { GRAIN_VERSION } from '../shared/version';
import {
  classExclusivity,
  layerwiseProbes,
  localizationByClass,
  minimalSubset,
  retrainSubsets,
  topWordsPerNeuron,
  trainFullProbe,
  zeroOutSubsets,
} from '../core/experiments';
import { writeJsonAtomic } from '../core/io/atomic';
import { GrainError } from '../core/errors';
import { checkDataFits } from './labelled';
import { readResult } from '../results/read';
import { activationDifferences, isRankingFile, rankedActivations, rankingRef, type RankingFile } from '../results/rankings';
import type { JobContext } from './context';
import { prepareProbeTask, type PreparedTask } from './probe-task';
import { controlTask } from './probe';
import { withTempDir } from './temp';

/** The paper's experiments on one probing task, each asked for by name, in one result file. */
export async function runExperiment(job: ExperimentJob, ctx: JobContext): Promise<ExperimentsResult> {
  const started = performance.now();
  if (job.probe.task === 'regression') {
    throw new GrainError("grain experiment compares classifiers' scores (top, random and bottom neurons, per class, the control task); probe real-valued targets with grain probe --regression");
  }
  checkDataFits(job.data, 'classification', { control: job.experiments.includes('control'), balance: job.probe.balance });
  // A ranking that cannot be used is refused before any work.
  const rankingFile = job.ranking ? readRanking(job.ranking) : undefined;
  return withTempDir(async (dir) => {
    const p = await prepareProbeTask(job, job.probe, dir, ctx);
    try {
      const { task } = p;
      const ranking = rankingFile ? checkRanking(rankingFile, job, p) : undefined;
      const want = new Set(job.experiments);
      const steps = job.experiments.length + 1;
      let step = 0;
      const next = (stage: string) => ctx.progress({ stage, done: step++, total: steps });
      next('training the full probe');
      const probe = await trainFullProbe(task);
      // The subsets, zero-out, minimal subset and top words follow the given ranking when there is one.
      const full = ranking ? { ...probe, result: { ...probe.result, ordering: ranking.ordering } } : probe;
      const result: ExperimentsResult = {
        ...header('experiments', GRAIN_VERSION),
        data: { ...p.description, classFilter: p.classFilter, unseenTest: p.unseenTest },
        source: { model: job.model, activations: job.activations, aggregation: job.aggregation, sites: job.sites },
        settings: { ...job.probe, neuronOrder: job.probe.neuronOrder ?? 'mass', percents: job.percents, tolerance: job.tolerance, topPercentage: job.topPercentage },
        experiments: job.experiments,
        ...(ranking ? { ranking } : {}),
        sites: p.sites,
        classes: p.classNames,
        full: probe.result,
        timings: { extractSeconds: p.extractSeconds, totalSeconds: 0 },
      };
      if (want.has('subsets')) {
        next('retraining on top/random/bottom neurons');
        result.subsets = await retrainSubsets(task, full, job.percents, job.probe.seed);
      }
      if (want.has('zero-out')) {
        next('zeroing out neurons');
        result.zeroOut = await zeroOutSubsets(task, full, job.percents, job.probe.seed);
      }
      if (want.has('minimal')) {
        next('searching the minimal subset');
        result.minimal = await minimalSubset(task, full, { tolerance: job.tolerance });
      }
      if (want.has('localization')) result.localization = localizationByClass(probe, p.classNames);
      if (want.has('exclusivity')) result.exclusivity = classExclusivity(probe, p.classNames, job.topPercentage);
      if (want.has('layerwise')) {
        next('training one probe per layer');
        result.layerwise = await layerwiseProbes(task, p.sites, probe.result.accuracy);
      }
      if (want.has('top-words')) result.topWords = topWordsPerNeuron(p.trainSource, full.result.ordering.slice(0, 20), { n: 10 });
      if (want.has('control')) result.control = await controlTask(p, probe.result.accuracy, job.probe, ctx);
      result.timings.totalSeconds = (performance.now() - started) / 1000;
      writeJsonAtomic(job.out, result);
      return result;
    } finally {
      await p.close();
    }
  });
}

function readRanking(path: string): RankingFile {
  const r = readResult(path);
  if (!isRankingFile(r)) throw new GrainError(`a ${r.kind} result holds no ranking to follow; give a ranking result (grain rank) or a probe result`, { file: path });
  return r;
}

/** The ranking's ordering, after checking it ranks exactly the activations and neurons of this task. */
function checkRanking(r: RankingFile, job: ExperimentJob, p: PreparedTask): NonNullable<ExperimentsResult['ranking']> {
  const ours = {
    source: { model: job.model, activations: job.activations, aggregation: job.aggregation, sites: job.sites },
    sites: p.sites.map((s) => ({ name: s.name, width: s.width })),
    train: p.description.train,
    trainSentences: p.description.trainSentences,
    trainWords: p.description.trainWords,
    ranked: p.columns ? Array.from(p.columns) : null,
  };
  const diff = activationDifferences(rankedActivations(r.result), ours);
  if (diff.length > 0) throw new GrainError(`the ranking is of other activations than these experiments (ranking vs experiments: ${diff.join('; ')}); rank the same data and activations, or run the experiments on the ranking's`, { file: r.path });
  return { ...rankingRef(r), ordering: r.result.ordering };
}
