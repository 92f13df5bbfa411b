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
import type { JobContext } from './context';
import { prepareProbeTask } from './probe-task';
import { controlTask } from './probe';
import { withTempDir } from './temp';

/** The paper's experiments on one probing task, each asked for by name, in one result file. */
export async function runExperiment(job: ExperimentJob, ctx: JobContext): Promise<ExperimentsResult> {
  const started = performance.now();
  return withTempDir(async (dir) => {
    const p = await prepareProbeTask(job, job.probe, dir, ctx);
    try {
      const { task } = p;
      const want = new Set(job.experiments);
      const steps = job.experiments.length + 1;
      let step = 0;
      const next = (stage: string) => ctx.progress({ stage, done: step++, total: steps });
      next('training the full probe');
      const full = await trainFullProbe(task);
      const result: ExperimentsResult = {
        ...header('experiments', GRAIN_VERSION),
        data: { ...p.description, classFilter: p.classFilter, unseenTest: p.unseenTest },
        source: { model: job.model, activations: job.activations, aggregation: job.aggregation, sites: job.sites },
        settings: { ...job.probe, neuronOrder: job.probe.neuronOrder ?? 'mass', percents: job.percents, tolerance: job.tolerance, topPercentage: job.topPercentage },
        experiments: job.experiments,
        sites: p.sites,
        classes: p.classNames,
        full: full.result,
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
      if (want.has('localization')) result.localization = localizationByClass(full, p.classNames);
      if (want.has('exclusivity')) result.exclusivity = classExclusivity(full, p.classNames, job.topPercentage);
      if (want.has('layerwise')) {
        next('training one probe per layer');
        result.layerwise = await layerwiseProbes(task, p.sites, full.result.accuracy);
      }
      if (want.has('top-words')) result.topWords = topWordsPerNeuron(p.trainSource, full.result.ordering.slice(0, 20), { n: 10 });
      if (want.has('control')) result.control = await controlTask(p, full.result.accuracy, job.probe.seed, ctx);
      result.timings.totalSeconds = (performance.now() - started) / 1000;
      writeJsonAtomic(job.out, result);
      return result;
    } finally {
      await p.close();
    }
  });
}
